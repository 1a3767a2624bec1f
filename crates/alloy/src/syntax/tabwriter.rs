//! Elastic tabstops, as used by `alloy fmt` (Go's `text/tabwriter` with
//! `DiscardEmptyColumns | TabIndent`, minwidth 0, tabwidth 8, padding 1,
//! padchar ' '), followed by a trimmer that removes trailing blanks and the
//! escape bytes that protect comment text.
//!
//! Input conventions: `\t` and `\v` end a cell, `\n` ends a line, `\f` ends
//! a line and the current alignment section, and text between two
//! [`ESCAPE`] bytes is opaque.

/// Brackets text that must not be interpreted (comments).
pub const ESCAPE: u8 = 0xff;

const TAB_WIDTH: usize = 8;
const PADDING: usize = 1;

#[derive(Clone, Copy, Default)]
struct Cell {
    size: usize,
    width: usize,
    htab: bool,
}

#[derive(Default)]
struct TabWriter {
    buf: Vec<u8>,
    pos: usize,
    cell: Cell,
    in_escape: bool,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    out: Vec<u8>,
}

/// Aligns `input` and trims it; the result is the final formatted text.
pub fn align(input: &[u8]) -> String {
    let mut tw = TabWriter::default();
    tw.lines.push(Vec::new());
    tw.write(input);
    tw.flush();
    trim(&tw.out)
}

fn rune_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c & 0xc0) != 0x80).count()
}

impl TabWriter {
    fn append(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
        self.cell.size += text.len();
    }

    fn update_width(&mut self) {
        self.cell.width += rune_count(&self.buf[self.pos..]);
        self.pos = self.buf.len();
    }

    fn terminate_cell(&mut self, htab: bool) -> usize {
        self.cell.htab = htab;
        let cell = std::mem::take(&mut self.cell);
        let line = self.lines.last_mut().expect("at least one line");
        line.push(cell);
        line.len()
    }

    fn end_escape(&mut self) {
        self.update_width();
        // The escape bytes themselves take no room.
        self.cell.width = self.cell.width.saturating_sub(2);
        self.in_escape = false;
    }

    fn write(&mut self, data: &[u8]) {
        let mut n = 0;
        for (i, &ch) in data.iter().enumerate() {
            if !self.in_escape {
                match ch {
                    b'\t' | b'\x0b' | b'\n' | b'\x0c' => {
                        self.append(&data[n..i]);
                        self.update_width();
                        n = i + 1;
                        let ncells = self.terminate_cell(ch == b'\t');
                        if ch == b'\n' || ch == b'\x0c' {
                            self.lines.push(Vec::new());
                            if ch == b'\x0c' || ncells == 1 {
                                self.flush_lines();
                            }
                        }
                    }
                    ESCAPE => {
                        self.append(&data[n..i]);
                        self.update_width();
                        n = i;
                        self.in_escape = true;
                    }
                    _ => {}
                }
            } else if ch == ESCAPE {
                self.append(&data[n..=i]);
                n = i + 1;
                self.end_escape();
            }
        }
        self.append(&data[n..]);
    }

    fn flush(&mut self) {
        if self.cell.size > 0 {
            if self.in_escape {
                self.end_escape();
            }
            self.terminate_cell(false);
        }
        self.flush_lines();
    }

    fn flush_lines(&mut self) {
        let nlines = self.lines.len();
        self.format(0, 0, nlines);
        self.buf.clear();
        self.pos = 0;
        self.cell = Cell::default();
        self.in_escape = false;
        self.lines.clear();
        self.widths.clear();
        self.lines.push(Vec::new());
    }

    fn format(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        let mut line0 = line0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            pos = self.write_lines(pos, line0, this);
            line0 = this;
            let mut width = 0;
            let mut discardable = true;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                let c = line[column];
                width = width.max(c.width + PADDING);
                if c.width > 0 || c.htab {
                    discardable = false;
                }
                this += 1;
            }
            if discardable {
                width = 0;
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    fn write_padding(&mut self, text_width: usize, cell_width: usize, use_tabs: bool) {
        if use_tabs {
            let cell_width = cell_width.div_ceil(TAB_WIDTH) * TAB_WIDTH;
            let n = cell_width.saturating_sub(text_width);
            for _ in 0..n.div_ceil(TAB_WIDTH) {
                self.out.push(b'\t');
            }
        } else {
            for _ in 0..cell_width.saturating_sub(text_width) {
                self.out.push(b' ');
            }
        }
    }

    fn write_lines(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        for i in line0..line1 {
            let mut use_tabs = true;
            for j in 0..self.lines[i].len() {
                let c = self.lines[i][j];
                if c.size == 0 {
                    if j < self.widths.len() {
                        self.write_padding(c.width, self.widths[j], use_tabs);
                    }
                } else {
                    use_tabs = false;
                    let end = (pos + c.size).min(self.buf.len());
                    let text = self.buf[pos..end].to_vec();
                    self.out.extend_from_slice(&text);
                    pos = end;
                    if j < self.widths.len() {
                        self.write_padding(c.width, self.widths[j], false);
                    }
                }
            }
            if i + 1 == self.lines.len() {
                let end = (pos + self.cell.size).min(self.buf.len());
                let text = self.buf[pos..end].to_vec();
                self.out.extend_from_slice(&text);
                pos = end;
            } else {
                self.out.push(b'\n');
            }
        }
        pos
    }
}

/// Drops escape bytes and trailing blanks/tabs on every line (and at the
/// end), turning form feeds into newlines.
fn trim(data: &[u8]) -> String {
    let mut out = Vec::with_capacity(data.len());
    let mut space: Vec<u8> = Vec::new();
    let mut in_escape = false;
    for &b in data {
        if in_escape {
            if b == ESCAPE {
                in_escape = false;
            } else {
                out.push(b);
            }
            continue;
        }
        match b {
            b' ' | b'\t' => space.push(b),
            b'\x0b' => space.push(b'\t'),
            b'\n' | b'\x0c' => {
                space.clear();
                out.push(b'\n');
            }
            ESCAPE => {
                out.append(&mut space);
                in_escape = true;
            }
            _ => {
                out.append(&mut space);
                out.push(b);
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
