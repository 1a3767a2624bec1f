//! Static checker for one Alloy file (one pipeline), against the registry of
//! everything Alloy v1.18.1 links in ([`registry`](mod@registry), generated from Alloy's
//! own schema).
//!
//! It checks what Alloy's loader checks, each finding a located
//! [`Diagnostic`] with a hint where one helps:
//! - unknown components, blocks and attributes (with "did you mean"),
//!   missing required attributes and blocks, a block written as an attribute
//!   and the reverse, a non-repeatable block given twice;
//! - label rules: components, `declare`, `import.*`, `foreach`, `argument`
//!   and `export` take a label, other blocks only where Alloy's schema says so;
//! - no two components share a name and label, configuration blocks appear once;
//! - every component reference (`loki.write.default.receiver`) names a
//!   declared component and an export that component has; no reference
//!   cycles;
//! - literal values have the attribute's kind, and receivers match: logs
//!   receivers only in logs inputs, metrics receivers only in metrics inputs,
//!   otelcol consumers only in `output` lists whose signal they accept;
//! - standard-library functions exist;
//! - stability: a component, configuration block or function below the
//!   level of [`Options::stability`] is an error naming it, its level and
//!   Alloy's flag, and so is a community component without
//!   [`Options::community_components`].
//!
//! `declare` bodies are checked as their own scope (their `argument` and
//! `export` blocks give the custom component's arguments and exports);
//! `foreach` templates are checked with the components around them in scope;
//! components of `import.*` modules are accepted unchecked.

pub mod labels;
pub mod registry;
mod suggest;

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diag::{Diagnostic, Kind as Problem};
use crate::syntax::ast::*;
use registry::{Body, ComponentSpec, ConfigBlockSpec, Stability, Ty, registry};

/// Checks `file` at Alloy's default level (generally-available, no community
/// components); returns errors and warnings in source order.
pub fn check_file(file: &File) -> Vec<Diagnostic> {
    check_file_with(file, Options::default())
}

/// Checks `file` with `options`; returns errors and warnings in source order.
pub fn check_file_with(file: &File, options: Options) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let customs = HashMap::new();
    let scope = Scope::new(&file.body, &customs, options, &mut diags);
    scope.check(&mut diags);
    diags.sort_by_key(Diagnostic::offset);
    diags
}

/// A scope over `file` for graph queries (diagnostics dropped; `check_file`
/// reports them).
fn query_scope(file: &File) -> Scope<'_> {
    let mut ignored = Vec::new();
    let options = Options {
        stability: Stability::Experimental,
        community_components: true,
    };
    Scope::new(&file.body, &HashMap::new(), options, &mut ignored)
}

/// Edges `(from, to)` between the top-level components of `file`: `from`
/// references an export of `to`. Component ids are `name.label`, e.g.
/// `loki.write.default`. Edges are deduplicated and in source order.
pub fn graph(file: &File) -> Vec<(String, String)> {
    let scope = query_scope(file);
    let mut out = Vec::new();
    for (from, tos) in scope.edges().into_iter().enumerate() {
        for to in tos {
            out.push((scope.decls[from].id.clone(), scope.decls[to].id.clone()));
        }
    }
    out
}

/// One reference between top-level components: `from` uses `export` of `to`
/// (`loki.source.file.pods` uses `receiver` of `loki.process.pods`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The referring component's id (`loki.source.file.pods`).
    pub from: String,
    /// The referenced component's id (`loki.process.pods`).
    pub to: String,
    /// The export used (`receiver`, `targets`, `rules`...), when the reference names one.
    pub export: Option<String>,
}

/// Every reference between the top-level components of `file`, deduplicated
/// (with a set: linear in the number of references), in source order.
/// Unresolved references are left out (`check_file` reports them).
pub fn references(file: &File) -> Vec<Reference> {
    let scope = query_scope(file);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for decl in &scope.decls {
        let mut refs = Vec::new();
        collect_refs_in_body(&decl.block.body, &mut refs);
        for (parts, pos) in refs {
            let Some(j) = scope.resolve(&parts, pos, None) else {
                continue;
            };
            let to = &scope.decls[j];
            let depth = to.id.split('.').count();
            let reference = Reference {
                from: decl.id.clone(),
                to: to.id.clone(),
                export: parts.get(depth).map(|p| p.to_string()),
            };
            if seen.insert(reference.clone()) {
                out.push(reference);
            }
        }
    }
    out
}

/// What the checker allows, mirroring Alloy's command-line flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Alloy's `--stability.level` (default `generally-available`).
    pub stability: Stability,
    /// Alloy's `--feature.community-components.enabled`.
    pub community_components: bool,
}

#[derive(Clone, Copy)]
enum Kind<'a> {
    Registered(&'static ComponentSpec),
    /// A component defined by `declare` (the declare block).
    Custom(&'a Block),
    /// `argument "x"` of a declare body or module.
    Argument,
    /// A component of an `import.*` module: not checked.
    Imported,
}

/// A declared component. Compact: large pipelines declare tens of thousands.
struct Decl<'a> {
    block: &'a Block,
    /// `name.label`.
    id: String,
    /// Length of the name within `id`.
    name_len: u32,
    kind: Kind<'a>,
}

impl Decl<'_> {
    /// The component name (`loki.write`).
    fn name(&self) -> &str {
        &self.id[..self.name_len as usize]
    }

    /// The label (`default`).
    fn label(&self) -> &str {
        self.id.get(self.name_len as usize + 1..).unwrap_or("")
    }
}

/// Declaration indices by id, keyed by the id's hash so that ids are stored once (in the
/// declarations); an id whose hash another id took first is found by a scan.
#[derive(Default)]
struct IdIndex {
    by_hash: HashMap<u64, u32>,
}

impl IdIndex {
    fn hash(id: &str) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        h.finish()
    }

    /// Records `index` for `id` (declared ids are unique; the first of a hash is kept).
    fn insert(&mut self, id: &str, index: usize) {
        self.by_hash
            .entry(Self::hash(id))
            .or_insert(crate::diag::to_u32(index));
    }

    /// The index of the declaration with `id`.
    fn get(&self, decls: &[Decl], id: &str) -> Option<usize> {
        let i = *self.by_hash.get(&Self::hash(id))? as usize;
        if decls.get(i).is_some_and(|d| d.id == id) {
            Some(i)
        } else {
            decls.iter().position(|d| d.id == id)
        }
    }
}

struct Scope<'a> {
    body: &'a [Stmt],
    decls: Vec<Decl<'a>>,
    by_id: IdIndex,
    customs: HashMap<String, &'a Block>,
    /// Namespaces of `import.*` modules: blocks under them are accepted.
    modules: BTreeSet<String>,
    /// `foreach` template bodies, whose components join this scope.
    templates: Vec<&'a Block>,
    /// First name segments of the declarations (custom and module components).
    namespaces: HashSet<String>,
    options: Options,
}

fn error(kind: Problem, p: Pos, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(kind, p, msg)
}

fn describe_block(b: &Block) -> String {
    match &b.label {
        Some(l) => format!("{} \"{l}\"", b.full_name()),
        None => b.full_name(),
    }
}

/// The error for something below the allowed stability level.
fn stability_error(p: Pos, what: &str, level: Stability) -> Diagnostic {
    error(
        Problem::Stability,
        p,
        format!(
            "{what} is {level}: Alloy refuses it unless run with --stability.level={level} (or lower)"
        ),
    )
    .with_help(format!(
        "raise the stability level to {level}: `o11yc alloy check --stability-level {level}`, \
         in a profile `alloy.stabilityLevel: {level}` (which also sets the Alloy chart's `alloy.stabilityLevel`)"
    ))
}

/// Configuration blocks that take a label (besides `import.*`).
const LABELLED_CONFIG: &[&str] = &["declare", "export", "argument", "foreach"];

impl<'a> Scope<'a> {
    fn new(
        body: &'a [Stmt],
        parent_customs: &HashMap<String, &'a Block>,
        options: Options,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut customs = parent_customs.clone();
        let mut modules = BTreeSet::new();
        for s in body {
            if let Stmt::Block(b) = s {
                match (b.full_name().as_str(), &b.label) {
                    ("declare", Some(l)) => {
                        customs.insert(l.clone(), b);
                    }
                    (n, Some(l)) if n.starts_with("import.") => {
                        modules.insert(l.clone());
                    }
                    _ => {}
                }
            }
        }
        let mut scope = Scope {
            body,
            decls: Vec::with_capacity(body.len()),
            by_id: IdIndex::default(),
            customs,
            modules,
            templates: Vec::new(),
            namespaces: HashSet::new(),
            options,
        };
        scope.declare_all(body, diags);
        scope
    }

    /// Registers the components of `body` (and of `foreach` templates in it).
    fn declare_all(&mut self, body: &'a [Stmt], diags: &mut Vec<Diagnostic>) {
        let mut seen_config: HashMap<String, Pos> = HashMap::new();
        for s in body {
            let Stmt::Block(b) = s else { continue };
            let name = b.full_name();
            if let Some(spec) = registry().config_block(&name) {
                self.config_block(b, spec, &mut seen_config, diags);
                if name == "foreach"
                    && let Some(template) = b.body.iter().find_map(|s| match s {
                        Stmt::Block(t) if t.full_name() == "template" => Some(t),
                        _ => None,
                    })
                {
                    self.templates.push(template);
                    self.declare_all(&template.body, diags);
                }
                // Arguments are referenced like components (`argument.x.value`).
                if name != "argument" {
                    continue;
                }
            }
            let Some(label) = b.label.as_deref() else {
                // An unlabelled `argument` is reported by `config_block`.
                if name != "argument" {
                    diags.push(self.unlabelled(b, &name));
                }
                continue;
            };
            let kind = if name == "argument" {
                Kind::Argument
            } else if let Some(spec) = registry::lookup(&name) {
                if let Some(d) = self.availability(b, spec) {
                    diags.push(d);
                }
                Kind::Registered(spec)
            } else if let Some(decl) = self.customs.get(&name) {
                Kind::Custom(decl)
            } else {
                let module = name.split('.').next().unwrap_or_default();
                if !self.modules.contains(module) {
                    diags.push(unknown_component(b, &name));
                }
                Kind::Imported
            };
            let id = format!("{name}.{label}");
            if let Some(first) = self.by_id.get(&self.decls, &id) {
                let f: &Decl = &self.decls[first];
                diags.push(
                    error(
                        Problem::Duplicate,
                        b.span.start,
                        format!("duplicate component {}", describe_block(b)),
                    )
                    .with_help(format!(
                        "first declared at line {}; give each component a unique label",
                        f.block.span.start.line
                    )),
                );
                continue;
            }
            self.by_id.insert(&id, self.decls.len());
            if let Some(first) = name.split('.').next() {
                self.namespaces.insert(first.to_string());
            }
            self.decls.push(Decl {
                block: b,
                id,
                name_len: crate::diag::to_u32(name.len()),
                kind,
            });
        }
    }

    /// Label, duplicate and stability rules of a configuration block.
    fn config_block(
        &self,
        b: &Block,
        spec: &ConfigBlockSpec,
        seen: &mut HashMap<String, Pos>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let name = spec.name;
        let needs_label = LABELLED_CONFIG.contains(&name) || name.starts_with("import.");
        match (&b.label, needs_label) {
            (None, true) => diags.push(
                error(
                    Problem::Label,
                    b.span.start,
                    format!("block \"{name}\" needs a label"),
                )
                .with_help(format!("write `{name} \"name\" {{ ... }}`")),
            ),
            (Some(_), false) => diags.push(
                error(
                    Problem::Label,
                    b.label_pos,
                    format!("block \"{name}\" does not take a label"),
                )
                .with_help(format!("write `{name} {{ ... }}`")),
            ),
            (None, false) => {
                if let Some(first) = seen.insert(name.to_string(), b.span.start) {
                    diags.push(
                        error(
                            Problem::Duplicate,
                            b.span.start,
                            format!("block \"{name}\" is given twice"),
                        )
                        .with_help(format!("first given at line {}; merge the two", first.line)),
                    );
                }
            }
            (Some(_), true) => {}
        }
        if spec.stability < self.options.stability {
            diags.push(stability_error(
                b.span.start,
                &format!("block \"{name}\""),
                spec.stability,
            ));
        }
    }

    /// The error for a top-level block without a label.
    fn unlabelled(&self, b: &Block, name: &str) -> Diagnostic {
        if registry::lookup(name).is_some() || self.customs.contains_key(name) {
            error(
                Problem::Label,
                b.span.start,
                format!("component \"{name}\" needs a label"),
            )
            .with_help(format!("write `{name} \"default\" {{ ... }}`"))
        } else {
            unknown_component(b, name)
        }
    }

    /// Stability and community errors for using `spec`.
    fn availability(&self, b: &Block, spec: &ComponentSpec) -> Option<Diagnostic> {
        if spec.community {
            return (!self.options.community_components).then(|| {
                error(Problem::Stability,
                    b.span.start,
                    format!(
                        "{} is a community component: Alloy refuses it unless run with \
                         --feature.community-components.enabled",
                        spec.name
                    ),
                )
                .with_help("pass `--community-components` to `o11yc alloy check` if the Alloy you deploy enables them")
            });
        }
        let level = spec.stability?;
        (level < self.options.stability).then(|| stability_error(b.span.start, spec.name, level))
    }

    fn check(&self, diags: &mut Vec<Diagnostic>) {
        // Argument/block structure.
        for d in &self.decls {
            match d.kind {
                Kind::Registered(spec) => {
                    self.check_body(d.block, &spec.args, &describe_block(d.block), diags)
                }
                Kind::Custom(decl) => self.check_custom(d.block, decl, diags),
                // Checked with the configuration blocks.
                Kind::Argument => {}
                Kind::Imported => {
                    // Still resolve references made inside.
                    self.refs_in_body(&d.block.body, &mut Vec::new(), diags);
                }
            }
        }
        // References outside components (top-level attributes, exports,
        // configuration blocks) and configuration block structure.
        for s in self.body {
            match s {
                Stmt::Attribute(a) => {
                    self.resolve_all(&a.value, &mut Vec::new(), diags);
                }
                Stmt::Block(b) => self.check_config_block(b, diags),
            }
        }
        for t in &self.templates {
            for s in &t.body {
                if let Stmt::Block(b) = s {
                    self.check_config_block(b, diags);
                }
            }
        }
        self.check_cycles(diags);
        // Nested declare scopes.
        for s in self.body {
            if let Stmt::Block(b) = s
                && b.full_name() == "declare"
            {
                let inner = Scope::new(&b.body, &self.customs, self.options, diags);
                inner.check(diags);
            }
        }
    }

    /// Checks the body of a top-level non-component block against its spec.
    fn check_config_block(&self, b: &Block, diags: &mut Vec<Diagnostic>) {
        let name = b.full_name();
        let Some(spec) = registry().config_block(&name) else {
            return;
        };
        match name.as_str() {
            "declare" => {}
            "foreach" => {
                let mut without_template = b.clone();
                without_template
                    .body
                    .retain(|s| !matches!(s, Stmt::Block(t) if t.full_name() == "template"));
                self.check_body(&without_template, &spec.body, &describe_block(b), diags);
                if without_template.body.len() == b.body.len() {
                    diags.push(
                        error(
                            Problem::Missing,
                            b.span.start,
                            "missing required block \"template\" in foreach",
                        )
                        .with_help("add `template { ... }` with the components to repeat"),
                    );
                }
            }
            _ => self.check_body(b, &spec.body, &describe_block(b), diags),
        }
    }

    // ----- references -------------------------------------------------------

    fn refs_in_body(&self, body: &[Stmt], out: &mut Vec<usize>, diags: &mut Vec<Diagnostic>) {
        for s in body {
            match s {
                Stmt::Attribute(a) => self.resolve_all(&a.value, out, diags),
                Stmt::Block(b) => self.refs_in_body(&b.body, out, diags),
            }
        }
    }

    /// Resolves every component reference in `e`, pushing the referenced
    /// declarations to `out` and reporting dangling references.
    fn resolve_all(&self, e: &Expr, out: &mut Vec<usize>, diags: &mut Vec<Diagnostic>) {
        self.check_calls(e, diags);
        let mut refs = Vec::new();
        collect_refs(e, &mut refs);
        for (parts, pos) in refs {
            if let Some(i) = self.resolve(&parts, pos, Some(diags)) {
                out.push(i);
            }
        }
    }

    /// Every function called in `e` must be in Alloy's standard library, at
    /// the allowed stability level.
    fn check_calls(&self, e: &Expr, diags: &mut Vec<Diagnostic>) {
        let mut calls = Vec::new();
        collect_calls(e, &mut calls);
        for (parts, pos) in calls {
            let name = parts.join(".");
            match registry().stdlib(&name) {
                Some(f) if f.experimental && self.options.stability > Stability::Experimental => {
                    diags.push(stability_error(
                        pos,
                        &format!("function {name}"),
                        Stability::Experimental,
                    ));
                }
                Some(_) => {}
                None => {
                    let mut d = error(
                        Problem::Unknown,
                        pos,
                        format!("unknown function \"{name}\": not in Alloy's standard library"),
                    );
                    if let Some(h) =
                        suggest::did_you_mean(&name, registry().stdlib.iter().map(|f| f.name))
                    {
                        d = d.with_help(h);
                    }
                    diags.push(d);
                }
            }
        }
    }

    fn is_namespace(&self, first: &str) -> bool {
        registry().is_namespace(first) || self.namespaces.contains(first) || first == "argument"
    }

    /// Resolves a dotted reference to a declaration index. Reports problems
    /// to `diags` when given.
    fn resolve(
        &self,
        parts: &[&str],
        pos: Pos,
        diags: Option<&mut Vec<Diagnostic>>,
    ) -> Option<usize> {
        for k in (1..parts.len()).rev() {
            let id = parts[..=k].join(".");
            let Some(i) = self.by_id.get(&self.decls, &id) else {
                continue;
            };
            let d = &self.decls[i];
            let export = parts.get(k + 1).copied();
            if let Some(diags) = diags {
                self.check_export(d, export, parts, pos, diags);
            }
            return Some(i);
        }
        if !self.is_namespace(parts[0]) || parts.len() < 2 {
            return None;
        }
        let diags = diags?;
        let full = parts.join(".");
        // Which component name did the reference mean?
        let known_name = (1..parts.len()).rev().find_map(|k| {
            let name = parts[..k].join(".");
            let known = registry::lookup(&name).is_some()
                || self.decls.iter().any(|d| d.name() == name)
                || (name == "argument");
            known.then_some((k, name))
        });
        let d = match known_name {
            Some((k, name)) => {
                let label = parts[k];
                let labels: Vec<&str> = self
                    .decls
                    .iter()
                    .filter(|d| d.name() == name)
                    .map(|d| d.label())
                    .collect();
                let mut d = error(
                    Problem::Reference,
                    pos,
                    format!("\"{full}\" refers to {name} \"{label}\", which is not declared"),
                );
                if let Some(h) = suggest::did_you_mean(label, labels.iter().copied()) {
                    d = d.with_help(format!(
                        "{h} ({name}.{})",
                        suggest::nearest(label, labels.iter().copied()).unwrap_or_default()
                    ));
                } else if !labels.is_empty() {
                    d = d.with_help(format!("declared {name} labels: {}", labels.join(", ")));
                } else {
                    d = d.with_help(format!("add a `{name} \"{label}\" {{ ... }}` block"));
                }
                d
            }
            None => {
                let candidates: Vec<String> = self.decls.iter().map(|d| d.id.clone()).collect();
                let prefix_len = |c: &String| c.split('.').count().min(parts.len());
                let best = candidates
                    .iter()
                    .map(|c| {
                        let p = parts[..prefix_len(c)].join(".");
                        (suggest::edit_distance(&p, c), c)
                    })
                    .filter(|(dist, c)| *dist <= (c.len() / 3).max(2))
                    .min_by_key(|(dist, _)| *dist);
                let mut d = error(
                    Problem::Reference,
                    pos,
                    format!("\"{full}\" does not refer to a declared component"),
                );
                if let Some((_, c)) = best {
                    d = d.with_help(format!("did you mean \"{c}\"?"));
                }
                d
            }
        };
        diags.push(d);
        None
    }

    fn check_export(
        &self,
        d: &Decl,
        export: Option<&str>,
        parts: &[&str],
        pos: Pos,
        diags: &mut Vec<Diagnostic>,
    ) {
        let exports: Vec<&str> = match d.kind {
            Kind::Registered(spec) => spec.exports.iter().map(|e| e.name).collect(),
            Kind::Custom(decl) => decl
                .body
                .iter()
                .filter_map(|s| match s {
                    Stmt::Block(b) if b.full_name() == "export" => b.label.as_deref(),
                    _ => None,
                })
                .collect(),
            Kind::Argument => vec!["value"],
            Kind::Imported => return,
        };
        let full = parts.join(".");
        match export {
            None => {
                let mut e = error(
                    Problem::Reference,
                    pos,
                    format!("\"{full}\" refers to a whole component; name one of its exports"),
                );
                if !exports.is_empty() {
                    e = e.with_help(format!("exports of {}: {}", d.name(), exports.join(", ")));
                }
                diags.push(e);
            }
            Some(x) if !exports.contains(&x) => {
                let mut e = error(
                    Problem::Reference,
                    pos,
                    format!(
                        "component {} \"{}\" has no export \"{x}\"",
                        d.name(),
                        d.label()
                    ),
                );
                e = match suggest::did_you_mean(x, exports.iter().copied()) {
                    Some(h) => e.with_help(h),
                    None if exports.is_empty() => {
                        e.with_help(format!("{} has no exports", d.name()))
                    }
                    None => e.with_help(format!("exports of {}: {}", d.name(), exports.join(", "))),
                };
                diags.push(e);
            }
            Some(_) => {}
        }
    }

    /// The type of a plain reference, when it names a registered export.
    fn ref_type(&self, e: &Expr) -> Option<(Ty, String)> {
        let parts = e.as_reference()?;
        let i = self.resolve(&parts, e.span.start, None)?;
        let d = &self.decls[i];
        let Kind::Registered(spec) = d.kind else {
            return None;
        };
        let export = parts.get(d.id.split('.').count())?;
        spec.export(export).map(|x| (x.ty, parts.join(".")))
    }

    // ----- arguments and blocks --------------------------------------------

    fn check_body(&self, block: &Block, spec: &Body, what: &str, diags: &mut Vec<Diagnostic>) {
        let mut seen_blocks: HashMap<String, Pos> = HashMap::new();
        let mut seen_attrs: HashMap<&str, Pos> = HashMap::new();
        for s in &block.body {
            match s {
                Stmt::Attribute(a) => {
                    if let Some(first) = seen_attrs.insert(&a.name, a.span.start) {
                        diags.push(
                            error(
                                Problem::Duplicate,
                                a.span.start,
                                format!("attribute \"{}\" is set twice in {what}", a.name),
                            )
                            .with_help(format!("first set at line {}; keep one", first.line)),
                        );
                    }
                    match spec.attr(&a.name) {
                        Some(arg) => self.check_value(&a.value, arg.ty, &a.name, what, diags),
                        None => {
                            let mut d = error(
                                Problem::Unknown,
                                a.span.start,
                                format!("unknown attribute \"{}\" in {what}", a.name),
                            );
                            if spec.block(&a.name).is_some() {
                                d = d.with_help(format!(
                                    "\"{}\" is a block: write `{} {{ ... }}`",
                                    a.name, a.name
                                ));
                            } else if let Some(h) = suggest::did_you_mean(
                                &a.name,
                                spec.attrs
                                    .iter()
                                    .map(|x| x.name)
                                    .chain(spec.blocks.iter().map(|b| b.name)),
                            ) {
                                d = d.with_help(h);
                            } else {
                                d = d.with_help(expected_attrs(spec));
                            }
                            diags.push(d);
                        }
                    }
                    self.resolve_all(&a.value, &mut Vec::new(), diags);
                }
                Stmt::Block(b) => {
                    let name = b.full_name();
                    match spec.block(&name) {
                        Some((sub, repeatable)) => {
                            let inner = format!("{name} block of {what}");
                            if !repeatable
                                && let Some(first) = seen_blocks.insert(name.clone(), b.span.start)
                            {
                                diags.push(
                                    error(
                                        Problem::Duplicate,
                                        b.span.start,
                                        format!("block \"{name}\" may appear only once in {what}"),
                                    )
                                    .with_help(format!(
                                        "first given at line {}; merge the two",
                                        first.line
                                    )),
                                );
                            }
                            match (&b.label, sub.labelled) {
                                (None, true) => diags.push(
                                    error(
                                        Problem::Label,
                                        b.span.start,
                                        format!("{inner} needs a label"),
                                    )
                                    .with_help(format!("write `{name} \"name\" {{ ... }}`")),
                                ),
                                (Some(_), false) => diags.push(
                                    error(
                                        Problem::Label,
                                        b.label_pos,
                                        format!("{inner} does not take a label"),
                                    )
                                    .with_help(format!("write `{name} {{ ... }}`")),
                                ),
                                _ => {}
                            }
                            self.check_body(b, &sub.body, &inner, diags);
                        }
                        None => {
                            let mut d = error(
                                Problem::Unknown,
                                b.span.start,
                                format!("unknown block \"{name}\" in {what}"),
                            );
                            let names = spec.block_names();
                            if spec.attr(&name).is_some() {
                                d = d.with_help(format!(
                                    "\"{name}\" is an attribute: write `{name} = ...`"
                                ));
                            } else if let Some(h) =
                                suggest::did_you_mean(&name, names.iter().map(String::as_str))
                            {
                                d = d.with_help(h);
                            } else if names.is_empty() {
                                d = d.with_help(format!("{what} takes no blocks"));
                            } else {
                                d = d.with_help(format!("expected one of: {}", names.join(", ")));
                            }
                            diags.push(d);
                            self.refs_in_body(&b.body, &mut Vec::new(), diags);
                        }
                    }
                }
            }
        }
        for arg in spec.attrs.iter().filter(|a| a.required) {
            if !seen_attrs.contains_key(arg.name) {
                diags.push(
                    error(
                        Problem::Missing,
                        block.span.start,
                        format!("missing required attribute \"{}\" in {what}", arg.name),
                    )
                    .with_help(format!(
                        "add `{} = ...` ({})",
                        arg.name,
                        arg.ty.describe()
                    )),
                );
            }
        }
        for sub in spec.blocks.iter().filter(|b| b.required) {
            let present = block
                .body
                .iter()
                .any(|s| matches!(s, Stmt::Block(b) if b.name.join(".") == sub.name));
            if !present {
                diags.push(
                    error(
                        Problem::Missing,
                        block.span.start,
                        format!("missing required block \"{}\" in {what}", sub.name),
                    )
                    .with_help(format!("add `{} {{ ... }}`", sub.name)),
                );
            }
        }
    }

    fn check_custom(&self, block: &Block, decl: &Block, diags: &mut Vec<Diagnostic>) {
        let what = describe_block(block);
        let args: Vec<(&str, bool)> = decl
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Block(b) if b.full_name() == "argument" => {
                    let optional = matches!(
                        b.get("optional").map(|e| &e.kind),
                        Some(ExprKind::Bool(true))
                    ) || b.get("default").is_some();
                    b.label.as_deref().map(|l| (l, !optional))
                }
                _ => None,
            })
            .collect();
        for s in &block.body {
            match s {
                Stmt::Attribute(a) => {
                    if !args.iter().any(|(n, _)| *n == a.name) {
                        let mut d = error(
                            Problem::Unknown,
                            a.span.start,
                            format!("unknown argument \"{}\" in {what}", a.name),
                        );
                        if let Some(h) = suggest::did_you_mean(&a.name, args.iter().map(|x| x.0)) {
                            d = d.with_help(h);
                        }
                        diags.push(d);
                    }
                    self.resolve_all(&a.value, &mut Vec::new(), diags);
                }
                Stmt::Block(b) => self.refs_in_body(&b.body, &mut Vec::new(), diags),
            }
        }
        for (name, required) in args {
            let present = block
                .body
                .iter()
                .any(|s| matches!(s, Stmt::Attribute(a) if a.name == name));
            if required && !present {
                diags.push(error(
                    Problem::Missing,
                    block.span.start,
                    format!("missing required argument \"{name}\" in {what}"),
                ));
            }
        }
    }

    fn check_value(&self, e: &Expr, ty: Ty, arg: &str, what: &str, diags: &mut Vec<Diagnostic>) {
        if let Some(elem) = ty.element() {
            match &e.kind {
                ExprKind::Array(items) => {
                    for item in items {
                        self.check_receiver(item, elem, arg, what, diags);
                    }
                }
                _ if literal_kind(e).is_some() => diags.push(error(
                    Problem::Type,
                    e.span.start,
                    format!(
                        "\"{arg}\" in {what} must be a {}, got {}",
                        ty.describe(),
                        literal_kind(e).unwrap_or_default()
                    ),
                )),
                _ => {}
            }
            return;
        }
        // Alloy converts between numbers and numeric strings.
        let numeric_string =
            matches!(&e.kind, ExprKind::String(s) if s.trim().parse::<f64>().is_ok());
        let bad_literal = match (ty, literal_kind(e)) {
            (_, None) => None,
            (Ty::String | Ty::Secret | Ty::Duration, Some(k)) if k != "string" && k != "number" => {
                Some(k)
            }
            (Ty::Number, Some("string")) if numeric_string => None,
            (Ty::Number, Some(k)) if k != "number" => Some(k),
            (Ty::Bool, Some(k)) if k != "bool" => Some(k),
            (Ty::ListString | Ty::List | Ty::Targets, Some(k)) if k != "list" => Some(k),
            (Ty::Map, Some(k)) if k != "object" => Some(k),
            _ => None,
        };
        if let Some(k) = bad_literal.filter(|k| *k != "null") {
            diags.push(error(
                Problem::Type,
                e.span.start,
                format!("\"{arg}\" in {what} must be a {}, got {k}", ty.describe()),
            ));
            return;
        }
        // Alloy converts between plain values (strings, secrets, numbers);
        // only opaque handles of the wrong kind are certain errors.
        if let Some((got, name)) = self.ref_type(e)
            && got != ty
            && (got.is_capsule() || ty.is_capsule())
            && ty != Ty::Any
            && got != Ty::Any
            && !(ty == Ty::List && got == Ty::Targets)
        {
            diags.push(error(
                Problem::Type,
                e.span.start,
                format!(
                    "\"{arg}\" in {what} must be a {}, but {name} is a {}",
                    ty.describe(),
                    got.describe()
                ),
            ));
        }
    }

    fn check_receiver(
        &self,
        e: &Expr,
        want: Ty,
        arg: &str,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        if let Some(k) = literal_kind(e) {
            diags.push(error(
                Problem::Type,
                e.span.start,
                format!(
                    "\"{arg}\" in {what} expects {} values, got {k}",
                    want.describe()
                ),
            ));
            return;
        }
        let Some((got, name)) = self.ref_type(e) else {
            return;
        };
        let ok = match (want, got) {
            (Ty::OtelConsumer(need), Ty::OtelConsumer(have)) => {
                if !have.contains(need) {
                    diags.push(
                        error(
                            Problem::Type,
                            e.span.start,
                            format!(
                                "{name} accepts {} only, but it is listed in \"{arg}\" of {what}",
                                have.describe(),
                            ),
                        )
                        .with_help(format!(
                            "only list consumers that accept {} here",
                            need.describe()
                        )),
                    );
                }
                return;
            }
            (w, g) => w == g,
        };
        if !ok {
            let kind = |t: Ty| match t {
                Ty::LogsReceiver => "a logs receiver".to_string(),
                Ty::MetricsReceiver => "a metrics receiver".to_string(),
                Ty::OtelConsumer(s) => format!("an otelcol consumer ({})", s.describe()),
                other => format!("a {}", other.describe()),
            };
            let mut d = error(
                Problem::Type,
                e.span.start,
                format!(
                    "{name} is {}, but \"{arg}\" of {what} expects {}",
                    kind(got),
                    kind(want)
                ),
            );
            d = d.with_help(match want {
                Ty::LogsReceiver => {
                    "forward logs to a loki.* receiver (e.g. loki.write)".to_string()
                }
                Ty::MetricsReceiver => {
                    "forward metrics to a prometheus.* receiver (e.g. prometheus.remote_write)"
                        .to_string()
                }
                Ty::OtelConsumer(_) => {
                    "list the `input` export of an otelcol component".to_string()
                }
                _ => "check the component reference".to_string(),
            });
            diags.push(d);
        }
    }

    // ----- cycles -----------------------------------------------------------

    /// For each declaration (by index), the declarations it references.
    fn edges(&self) -> Vec<Vec<usize>> {
        self.decls
            .iter()
            .map(|d| {
                let mut out = Vec::new();
                let mut seen = HashSet::new();
                let mut refs = Vec::new();
                collect_refs_in_body(&d.block.body, &mut refs);
                for (parts, pos) in refs {
                    if let Some(j) = self.resolve(&parts, pos, None)
                        && seen.insert(j)
                    {
                        out.push(j);
                    }
                }
                out.shrink_to_fit();
                out
            })
            .collect()
    }

    fn check_cycles(&self, diags: &mut Vec<Diagnostic>) {
        let edges = self.edges();
        for comp in strongly_connected(&edges) {
            let self_loop = comp.len() == 1 && edges[comp[0]].contains(&comp[0]);
            let members: HashSet<usize> = comp.iter().copied().collect();
            if comp.len() < 2 && !self_loop {
                continue;
            }
            let first = *comp.iter().min().unwrap_or(&comp[0]);
            // Walk the cycle from `first` for a readable path.
            let mut path = vec![first];
            let mut cur = first;
            loop {
                let next = edges[cur]
                    .iter()
                    .copied()
                    .find(|n| members.contains(n) && (!path.contains(n) || *n == first));
                match next {
                    Some(n) if n == first => break,
                    Some(n) => {
                        path.push(n);
                        cur = n;
                    }
                    None => break,
                }
            }
            path.push(first);
            let names: Vec<&str> = path.iter().map(|&i| self.decls[i].id.as_str()).collect();
            diags.push(
                error(
                    Problem::Cycle,
                    self.decls[first].block.span.start,
                    format!("reference cycle between components: {}", names.join(" -> ")),
                )
                .with_help("components cannot depend on their own exports, directly or indirectly"),
            );
        }
    }
}

/// Tarjan's strongly connected components (iterative), keeping only cycles: components of
/// several declarations, or one that references itself.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *ei < edges[v].len() {
                let w = edges[v][*ei];
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                // Only cycles are wanted: skip single components that do not reference
                // themselves (nearly all of them), so a large pipeline costs no list each.
                if comp.len() > 1 || edges[v].contains(&v) {
                    out.push(comp);
                }
            }
        }
    }
    out
}

/// A hint listing the attributes a body accepts.
fn expected_attrs(spec: &Body) -> String {
    if spec.attrs.is_empty() {
        return "this block takes no attributes".to_string();
    }
    let names: Vec<&str> = spec.attrs.iter().map(|a| a.name).collect();
    format!("expected one of: {}", names.join(", "))
}

/// The error for a top-level block that is no component Alloy knows.
fn unknown_component(b: &Block, name: &str) -> Diagnostic {
    let reg = registry();
    let mut d = error(
        Problem::Unknown,
        b.span.start,
        format!(
            "unknown component \"{name}\": Alloy {} has no such component or block",
            reg.version
        ),
    );
    let names = reg
        .components
        .iter()
        .map(|c| c.name)
        .chain(reg.config_blocks.iter().map(|c| c.name));
    if let Some(h) = suggest::did_you_mean(name, names) {
        d = d.with_help(h);
    } else {
        d = d.with_help("declare it with `declare`, or import the module that defines it");
    }
    d
}

/// The literal kind of `e` (`"string"`, `"number"`, ...) if it is a literal.
fn literal_kind(e: &Expr) -> Option<&'static str> {
    Some(match &e.kind {
        ExprKind::Null => "null",
        ExprKind::Bool(_) => "bool",
        ExprKind::Number(_) => "number",
        ExprKind::String(_) | ExprKind::RawString(_) => "string",
        ExprKind::Array(_) => "list",
        ExprKind::Object(_) => "object",
        ExprKind::Unary { value, .. } => return literal_kind(value),
        _ => return None,
    })
}

/// Collects the names of called functions (`sys.env`, `coalesce`) in `e`.
fn collect_calls<'e>(e: &'e Expr, out: &mut Vec<(Vec<&'e str>, Pos)>) {
    match &e.kind {
        ExprKind::Call { func, args, .. } => {
            match func.as_reference() {
                Some(parts) => out.push((parts, func.span.start)),
                None => collect_calls(func, out),
            }
            args.iter().for_each(|a| collect_calls(a, out));
        }
        ExprKind::Access { value, .. } => collect_calls(value, out),
        ExprKind::Index { value, index, .. } => {
            collect_calls(value, out);
            collect_calls(index, out);
        }
        ExprKind::Array(items) => items.iter().for_each(|i| collect_calls(i, out)),
        ExprKind::Object(fields) => fields.iter().for_each(|f| collect_calls(&f.value, out)),
        ExprKind::Unary { value, .. } => collect_calls(value, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            collect_calls(lhs, out);
            collect_calls(rhs, out);
        }
        ExprKind::Paren(inner) => collect_calls(inner, out),
        _ => {}
    }
}

fn collect_refs_in_body<'e>(body: &'e [Stmt], out: &mut Vec<(Vec<&'e str>, Pos)>) {
    for s in body {
        match s {
            Stmt::Attribute(a) => collect_refs(&a.value, out),
            Stmt::Block(b) => collect_refs_in_body(&b.body, out),
        }
    }
}

/// Collects dotted references (`a.b.c`) in `e`, skipping called function
/// names such as `sys.env`.
fn collect_refs<'e>(e: &'e Expr, out: &mut Vec<(Vec<&'e str>, Pos)>) {
    if let Some(parts) = e.as_reference() {
        if parts.len() > 1 {
            out.push((parts, e.span.start));
        }
        return;
    }
    match &e.kind {
        ExprKind::Access { value, .. } => collect_refs(value, out),
        ExprKind::Index { value, index, .. } => {
            collect_refs(value, out);
            collect_refs(index, out);
        }
        ExprKind::Call { func, args, .. } => {
            if func.as_reference().is_none() {
                collect_refs(func, out);
            }
            for a in args {
                collect_refs(a, out);
            }
        }
        ExprKind::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        ExprKind::Object(fields) => fields.iter().for_each(|f| collect_refs(&f.value, out)),
        ExprKind::Unary { value, .. } => collect_refs(value, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            collect_refs(lhs, out);
            collect_refs(rhs, out);
        }
        ExprKind::Paren(inner) => collect_refs(inner, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two ids sharing a hash: the one the index does not hold is still found.
    #[test]
    fn id_index_falls_back_to_a_scan_on_a_shared_hash() {
        let file = crate::parse("a \"b\" {}\nc \"d\" {}\n").unwrap();
        let Stmt::Block(block) = &file.body[0] else {
            unreachable!()
        };
        let decl = |id: &str| Decl {
            block,
            id: id.to_string(),
            name_len: 1,
            kind: Kind::Imported,
        };
        let decls = [decl("a.b"), decl("c.d")];
        let mut index = IdIndex::default();
        index.insert("a.b", 0);
        // Simulate a collision: `c.d`'s hash points at `a.b`.
        index.by_hash.insert(IdIndex::hash("c.d"), 0);
        assert_eq!(index.get(&decls, "a.b"), Some(0));
        assert_eq!(index.get(&decls, "c.d"), Some(1));
        assert_eq!(index.get(&decls, "e.f"), None);
        assert_eq!((decls[1].name(), decls[1].label()), ("c", "d"));
    }
}
