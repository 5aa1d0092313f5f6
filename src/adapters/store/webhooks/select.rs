//! The statements built from a webhook [`Filter`]: owned arguments, the type glob as a regular
//! expression, the `SELECT` with its `WHERE`, order and limit.

use super::Filter;
use crate::adapters::store::db::P;

/// An owned statement argument (for statements built from a filter).
pub(super) enum Arg {
    I(i64),
    T(String),
}

impl Arg {
    pub(super) fn p(&self) -> P<'_> {
        match self {
            Arg::I(i) => P::I(*i),
            Arg::T(t) => P::T(t),
        }
    }
}

/// A shell glob (`*`, `?`, `[...]`) as an anchored POSIX regular expression.
pub(super) fn glob_regex(glob: &str) -> String {
    let mut re = String::from("^");
    let mut in_class = false;
    for c in glob.chars() {
        match c {
            '[' if !in_class => {
                in_class = true;
                re.push('[');
            }
            ']' if in_class => {
                in_class = false;
                re.push(']');
            }
            c if in_class => re.push(c),
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c if c.is_ascii_alphanumeric() || c == '_' => re.push(c),
            c => {
                re.push('\\');
                re.push(c);
            }
        }
    }
    re.push('$');
    re
}

/// `SELECT cols FROM events WHERE ...` for a filter; the type filter is a shell glob.
pub(super) fn select_sql(
    cols: &str,
    f: &Filter,
    limit: Option<usize>,
    pg: bool,
) -> (String, Vec<Arg>) {
    select_from(
        Source {
            table: "events",
            id_col: "id",
            order: "created, received_at, id",
        },
        cols,
        f,
        limit,
        pg,
    )
}

/// A table a filter selects from: the ids matched on `id_col`, the rows in `order`.
pub(super) struct Source {
    pub table: &'static str,
    pub id_col: &'static str,
    pub order: &'static str,
}

/// `SELECT cols FROM table WHERE ...` for a filter, the ids matched on `from.id_col`.
pub(super) fn select_from(
    from: Source,
    cols: &str,
    f: &Filter,
    limit: Option<usize>,
    pg: bool,
) -> (String, Vec<Arg>) {
    let mut clauses = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mark = |args: &mut Vec<Arg>, a: Arg| {
        args.push(a);
        format!("?{}", args.len())
    };
    if !f.ids.is_empty() {
        let marks: Vec<String> = f
            .ids
            .iter()
            .map(|i| mark(&mut args, Arg::T(i.clone())))
            .collect();
        clauses.push(format!("{} IN ({})", from.id_col, marks.join(", ")));
    }
    if let Some(k) = &f.kind {
        if pg {
            let m = mark(&mut args, Arg::T(glob_regex(k)));
            clauses.push(format!("type ~ {m}"));
        } else {
            let m = mark(&mut args, Arg::T(k.clone()));
            clauses.push(format!("type GLOB {m}"));
        }
    }
    if let Some(s) = f.since {
        let m = mark(&mut args, Arg::I(s));
        clauses.push(format!("created >= {m}"));
    }
    if let Some(u) = f.until {
        let m = mark(&mut args, Arg::I(u));
        clauses.push(format!("created < {m}"));
    }
    if let Some(st) = &f.status {
        let m = mark(&mut args, Arg::T(st.clone()));
        clauses.push(format!("status = {m}"));
    }
    let mut sql = format!("SELECT {cols} FROM {}", from.table);
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(&format!(" ORDER BY {}", from.order));
    if let Some(l) = limit {
        sql.push_str(&format!(" LIMIT {l}"));
    }
    (sql, args)
}
