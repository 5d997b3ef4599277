use std::collections::HashMap;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Element, NodeId, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds broken table structure: cells not inside a row (`<thead><th>`), table
    /// parts outside any table (the parser ignores their tags), rows with more or
    /// fewer cells than the table's other rows (counting `colspan` and `rowspan`),
    /// and tables with no rows at all.
    ///
    /// ## Why is this bad?
    /// Cells outside a row and table tags outside a table are parse errors; ragged
    /// rows shift every later column under the wrong header; an empty table is
    /// leftover markup screen readers still announce.
    ///
    /// ## Example
    /// ```html
    /// <table><thead><th>Name</th><th>Age</th></thead></table>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <table><thead><tr><th>Name</th><th>Age</th></thead></table>
    /// ```
    ///
    /// ## Fix safety
    /// Inserting the `<tr>` the parser implies before cells outside a row, and
    /// removing table tags the parser ignores outside a table, give the same tree:
    /// these fixes are marked unsafe only because they rewrite table markup an
    /// author may want to restructure instead. Ragged rows and empty tables are
    /// reported without a fix.
    pub struct TableStructure {
        id: "table-structure",
        group: Table,
        fix: Sometimes,
        safe_fixes: false,
        default: true,
        summary: "Cells outside rows, table tags outside tables, ragged rows, empty tables",
    }
}

fn span_attr(el: Element<'_>, name: &str) -> usize {
    el.attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, 1000))
}

/// The table each row belongs to, and each row's width in columns (colspan and
/// rowspan aware, WHATWG 4.9.12 "forming a table", simplified).
fn row_widths(doc: &Document, table: NodeId) -> Vec<(NodeId, usize)> {
    let rows: Vec<Element<'_>> = doc
        .descendants(table)
        .filter_map(|id| doc.element(id))
        .filter(|e| {
            e.name() == "tr"
                && doc
                    .ancestors(e.id)
                    .find(|a| a.name() == "table")
                    .is_some_and(|t| t.id == table)
        })
        .collect();
    // Columns still covered by a rowspan from an earlier row: column → rows left.
    let mut carried: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let mut col = 0;
        let mut width = 0;
        let mut next_carried: HashMap<usize, usize> = HashMap::new();
        for &c in row.children() {
            let Some(cell) = doc.element(c) else { continue };
            if !matches!(cell.name(), "td" | "th") {
                continue;
            }
            while carried.get(&col).is_some_and(|&n| n > 0) {
                col += 1;
            }
            let span = span_attr(cell, "colspan");
            let rows_down = cell
                .attr("rowspan")
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .min(1000);
            for k in col..col + span {
                if rows_down > 1 {
                    next_carried.insert(k, rows_down - 1);
                }
            }
            col += span;
            width = width.max(col);
        }
        let covered = carried
            .keys()
            .filter(|&&k| carried[&k] > 0)
            .map(|&k| k + 1)
            .max()
            .unwrap_or(0);
        width = width.max(covered);
        for (k, n) in carried {
            if n > 1 {
                next_carried.entry(k).or_insert(n - 1);
            }
        }
        carried = next_carried;
        out.push((row.id, width));
    }
    out
}

impl Rule for TableStructure {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let id = TableStructure::META.id;
        for (_, tok) in doc.tokens_of(TokenKind::StartTag) {
            let name = &*tok.name;
            if !matches!(
                name,
                "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" | "col" | "colgroup"
            ) {
                continue;
            }
            match tok.node().and_then(|n| doc.element(n)) {
                None => {
                    let in_table = tok.current().is_some_and(|c| {
                        doc.self_and_ancestors(c)
                            .any(|e| matches!(e.name(), "table" | "template" | "svg" | "math"))
                    });
                    if !in_table {
                        out.push(
                            Diagnostic::new(
                                id,
                                tok.span,
                                format!("`<{name}>` outside a table: the parser ignores the tag"),
                            )
                            .with_fix(
                                format!("Remove the ignored `<{name}>` tag"),
                                Fix::unsafe_(vec![Edit::deletion(tok.span)]),
                            ),
                        );
                    }
                }
                Some(cell) if matches!(name, "td" | "th") => {
                    let Some(row) = cell.parent().and_then(|p| doc.element(p)) else {
                        continue;
                    };
                    if row.name() == "tr"
                        && row.origin() == Origin::Implied
                        && row.children().iter().find(|&&k| doc.element(k).is_some())
                            == Some(&cell.id)
                    {
                        out.push(
                            Diagnostic::new(
                                id,
                                tok.span,
                                format!("`<{name}>` is not inside a row: the parser adds a `<tr>`"),
                            )
                            .with_fix(
                                "Insert the `<tr>` before it",
                                Fix::unsafe_(vec![Edit::insertion("<tr>", tok.span.start)]),
                            ),
                        );
                    }
                }
                Some(_) => {}
            }
        }
        for table in doc.elements() {
            if table.name() != "table" || table.origin() != Origin::Source || !table.is_html() {
                continue;
            }
            let Some(start) = table.start_tag() else {
                continue;
            };
            let widths = row_widths(doc, table.id);
            if widths.is_empty() {
                let has_content = doc.descendants(table.id).any(|d| {
                    doc.element(d).is_some_and(|e| e.name() == "caption")
                        || doc.text_of(d).is_some_and(|t| !t.trim().is_empty())
                });
                if !has_content {
                    out.push(Diagnostic::new(id, start.span, "Table with no rows"));
                }
                continue;
            }
            if widths.len() < 2 {
                continue;
            }
            let mut count: HashMap<usize, usize> = HashMap::new();
            for &(_, w) in &widths {
                *count.entry(w).or_default() += 1;
            }
            // The width most rows have (the widest on a tie).
            let Some((&usual, _)) = count.iter().max_by_key(|&(&w, &n)| (n, w)) else {
                continue;
            };
            for &(row, w) in &widths {
                if w == usual || w == 0 {
                    continue;
                }
                let Some(tag) = doc.element(row).and_then(|r| r.start_tag()) else {
                    continue;
                };
                out.push(Diagnostic::new(
                    id,
                    tag.span,
                    format!(
                        "Row has {w} column{} where the table's rows have {usual}",
                        if w == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
    }
}
