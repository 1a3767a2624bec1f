//! Tricky syntax: parsing, printing and the builder API.

use o11yc_alloy::{BinaryOp, Block, Expr, ExprKind, File, Stmt, UnaryOp, format, parse, print};

fn attr_value(src: &str) -> Expr {
    let file = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e:?}"));
    match file.body.into_iter().next() {
        Some(Stmt::Attribute(a)) => a.value,
        other => panic!("expected attribute, got {other:?}"),
    }
}

fn string_value(src: &str) -> String {
    match attr_value(src).kind {
        ExprKind::String(s) => s,
        other => panic!("expected string, got {other:?}"),
    }
}

#[test]
fn string_escapes_decode_and_reprint() {
    assert_eq!(string_value(r#"a = "q\"b\\s\n\t""#), "q\"b\\s\n\t");
    assert_eq!(string_value(r#"a = "\u00e9\U0001F600\x41\101""#), "é😀AA");
    assert_eq!(
        format("a = \"q\\\"b\\\\s\\n\\t\"\n").unwrap(),
        "a = \"q\\\"b\\\\s\\n\\t\"\n"
    );
    // Unicode escapes are printed canonically (as the character itself).
    assert_eq!(format("a = \"\\u00e9\"\n").unwrap(), "a = \"é\"\n");
}

#[test]
fn bad_escapes_are_errors() {
    let src = "a = \"\\q\"\n";
    let errs = parse(src).unwrap_err();
    assert_eq!(
        errs[0].line_col(&o11yc_alloy::LineIndex::new(src), src).0,
        1
    );
    assert!(errs[0].message.contains("escape"), "{errs:?}");
    assert!(parse("a = \"unterminated\nb = 1\n").is_err());
    assert!(parse("a = \"\\uD800\"\n").is_err());
}

#[test]
fn raw_strings_are_verbatim() {
    let v = attr_value("a = `C:\\path\\n \"q\"\nsecond line`\n");
    assert_eq!(
        v.kind,
        ExprKind::RawString("C:\\path\\n \"q\"\nsecond line".into())
    );
    let src = "a = `x\\n\ny`\n";
    assert_eq!(format(src).unwrap(), src);
}

#[test]
fn comments_in_odd_places() {
    let src = "/* head */ a = /* mid */ 1 // tail\nb = [ // open\n  1, /* inline */ 2,\n  // before close\n]\nblock { /* only */ }\n// end\n";
    let formatted = format(src).unwrap();
    for c in [
        "/* head */",
        "/* mid */",
        "// tail",
        "// open",
        "/* inline */",
        "// before close",
        "/* only */",
        "// end",
    ] {
        assert!(formatted.contains(c), "lost {c} in\n{formatted}");
    }
    assert_eq!(format(&formatted).unwrap(), formatted, "not idempotent");
    assert_eq!(parse(&formatted).unwrap(), parse(src).unwrap());
}

#[test]
fn trailing_commas_and_empty_collections() {
    let src = "a = [1, 2, 3,]\nb = { x = 1, \"y z\" = 2, }\nc = []\nd = {}\ne = f(1, 2,)\n";
    let f = parse(src).unwrap();
    assert_eq!(
        print(&f),
        "a = [1, 2, 3]\nb = {x = 1, \"y z\" = 2}\nc = []\nd = {}\ne = f(1, 2)\n"
    );
    let ExprKind::Object(fields) = &attr_value("b = { x = 1, \"y z\" = 2 }").kind else {
        panic!()
    };
    assert!(!fields[0].quoted && fields[1].quoted);
    assert_eq!(fields[1].key, "y z");
}

#[test]
fn precedence_and_associativity() {
    // 1 + 2 * 3 ^ 2 ^ 2  ==  1 + (2 * (3 ^ (2 ^ 2)))
    let v = attr_value("a = 1 + 2 * 3 ^ 2 ^ 2\n");
    let ExprKind::Binary {
        op: BinaryOp::Add,
        rhs,
        ..
    } = v.kind
    else {
        panic!("top must be +")
    };
    let ExprKind::Binary {
        op: BinaryOp::Mul,
        rhs,
        ..
    } = rhs.kind
    else {
        panic!("then *")
    };
    let ExprKind::Binary {
        op: BinaryOp::Pow,
        rhs,
        ..
    } = rhs.kind
    else {
        panic!("then ^")
    };
    assert!(
        matches!(
            rhs.kind,
            ExprKind::Binary {
                op: BinaryOp::Pow,
                ..
            }
        ),
        "^ is right assoc"
    );
    // a - b - c is (a - b) - c; || binds loosest; ! and - are unary.
    let v = attr_value("a = x - y - z\n");
    let ExprKind::Binary { lhs, .. } = v.kind else {
        panic!()
    };
    assert!(matches!(
        lhs.kind,
        ExprKind::Binary {
            op: BinaryOp::Sub,
            ..
        }
    ));
    let v = attr_value("a = !p && q || r == -1 <= 2\n");
    assert!(matches!(
        v.kind,
        ExprKind::Binary {
            op: BinaryOp::Or,
            ..
        }
    ));
    let v = attr_value("a = -x\n");
    assert!(matches!(
        v.kind,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            ..
        }
    ));
}

#[test]
fn postfix_chains() {
    let v = attr_value("a = encoding.from_json(x)[0].b[\"k\"]\n");
    assert!(matches!(v.kind, ExprKind::Index { .. }));
    let v = attr_value("a = discovery.kubernetes.pods.targets\n");
    assert_eq!(
        v.as_reference().unwrap(),
        ["discovery", "kubernetes", "pods", "targets"]
    );
}

#[test]
fn numbers_keep_their_text() {
    let src = "a = 1.0\nb = 1e3\nc = 2.5E-3\nd = 10\n";
    let f = parse(src).unwrap();
    assert_eq!(print(&f), "a = 1.0\nb = 1e3\nc = 2.5E-3\nd = 10\n");
}

#[test]
fn nested_and_empty_blocks() {
    let src = "a.b.c \"lbl\" {\ninner {\ndeeper {}\n}\n}\nempty {\n\n}\n";
    assert_eq!(
        format(src).unwrap(),
        "a.b.c \"lbl\" {\n\tinner {\n\t\tdeeper { }\n\t}\n}\n\nempty { }\n"
    );
}

#[test]
fn labels_must_be_identifiers() {
    // Alloy only accepts identifier-like labels: dots and dashes are errors.
    for bad in ["my-label", "a.b", "with space"] {
        let errs = parse(&format!("loki.write \"{bad}\" {{\n}}\n")).unwrap_err();
        assert!(
            errs[0].message.contains("valid identifier"),
            "{bad}: {errs:?}"
        );
    }
    assert!(parse("loki.write \"ok_label_1\" {\n}\n").is_ok());
}

#[test]
fn error_messages_are_located_and_say_what_was_expected() {
    let errs = parse("foo 5\n").unwrap_err();
    assert_eq!(
        errs[0].line_col(&o11yc_alloy::LineIndex::new("foo 5\n"), "foo 5\n"),
        (1, 5)
    );
    assert_eq!(
        errs[0].message,
        "expected \"=\" or \"{\" after \"foo\", got NUMBER"
    );
    let errs = parse("a = 1\nfoo\n").unwrap_err();
    assert_eq!(
        errs[0].line_col(&o11yc_alloy::LineIndex::new("a = 1\nfoo\n"), "a = 1\nfoo\n"),
        (2, 4)
    );
    assert_eq!(
        errs[0].message,
        "expected \"=\" or \"{\" after \"foo\", got TERMINATOR"
    );
    let errs = parse("x = [1, 2\n").unwrap_err();
    assert!(errs[0].message.contains("missing ','"), "{errs:?}");
    assert_eq!(
        errs[0]
            .render("f.alloy", "x = [1, 2\n")
            .lines()
            .next()
            .unwrap(),
        "f.alloy:1:10: error: missing ',' in expression list"
    );
}

#[test]
fn alignment_of_attributes_and_objects() {
    // Like `alloy fmt`: one-line objects get no padding inside the braces,
    // and keys on consecutive lines are aligned.
    let src = "a = 1\nlong_name = 2\n\nx = { k = 1,\n  longer = 2 }\n";
    assert_eq!(
        format(src).unwrap(),
        "a         = 1\nlong_name = 2\n\nx = {k   = 1,\n\tlonger = 2}\n"
    );
}

#[test]
fn builder_pipeline_prints_in_alloy_fmt_form() {
    let write = Block::new("loki.write", Some("default"))
        .comment("Ship logs to Loki")
        .block(
            Block::new("endpoint", None)
                .attr("url", Expr::call("sys.env", ["LOKI_URL"]))
                .attr("tenant_id", "team-a"),
        )
        .attr(
            "external_labels",
            Expr::object([
                ("cluster", Expr::string("prod")),
                ("k8s.io/app", "x".into()),
            ]),
        );
    let source = Block::new("loki.source.kubernetes", Some("pods"))
        .attr(
            "targets",
            Expr::reference("discovery.kubernetes.pods.targets"),
        )
        .attr("forward_to", Expr::array([write.export("receiver")]));
    let disc = Block::new("discovery.kubernetes", Some("pods")).attr("role", "pod");
    let file = File::new()
        .comment("Generated by o11yc. Do not edit.")
        .blocks([disc, source, write]);
    let text = print(&file);
    let expected = r#"// Generated by o11yc. Do not edit.

discovery.kubernetes "pods" {
	role = "pod"
}

loki.source.kubernetes "pods" {
	targets    = discovery.kubernetes.pods.targets
	forward_to = [loki.write.default.receiver]
}

// Ship logs to Loki
loki.write "default" {
	endpoint {
		url       = sys.env("LOKI_URL")
		tenant_id = "team-a"
	}
	external_labels = {
		cluster      = "prod",
		"k8s.io/app" = "x",
	}
}
"#;
    assert_eq!(text, expected);
    // The built file is consistent: it reparses to the same structure and
    // passes the checker.
    let reparsed = parse(&text).unwrap();
    assert_eq!(print(&reparsed), text);
    let diags = o11yc_alloy::check(&reparsed);
    assert!(diags.is_empty(), "{diags:#?}");
    // Consuming the tree (what large pipelines use to bound memory) prints the same,
    // for a built tree and for a parsed one.
    assert_eq!(o11yc_alloy::print_owned(file), text);
    assert_eq!(o11yc_alloy::print_owned(reparsed), text);
}

#[test]
fn builder_expressions() {
    let e = Expr::binary(
        BinaryOp::Mul,
        Expr::binary(BinaryOp::Add, 1, 2),
        Expr::unary(UnaryOp::Neg, Expr::float(2.0)),
    );
    let file = File::new()
        .attr("a", e)
        .attr("b", Expr::reference("x.y").index(0).access("z"))
        .attr("c", Expr::array(Vec::<Expr>::new()))
        .attr("d", Expr::raw_string("a\"b"))
        .attr("e", Expr::null())
        .attr("f", Some(true));
    assert_eq!(
        print(&file),
        "a = (1 + 2) * -2.0\nb = x.y[0].z\nc = []\nd = `a\"b`\ne = null\nf = true\n"
    );
}

#[test]
fn spans_are_recorded_but_ignored_by_equality() {
    let a = parse("a = [1,\n 2]\n").unwrap();
    let b = parse("a = [1, 2]\n").unwrap();
    assert_eq!(a, b);
    let Stmt::Attribute(attr) = &a.body[0] else {
        panic!()
    };
    assert_eq!((attr.span.start.line, attr.span.end.line), (1, 2));
    assert_eq!(attr.value.span.start.offset, 4);
}
