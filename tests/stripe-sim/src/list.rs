//! List pagination (`limit`, `starting_after`, `ending_before`, `has_more`) and Search with
//! its query language subset and `page`/`next_page` cursors.
//! See <https://docs.stripe.com/api/pagination> and <https://docs.stripe.com/search>.

use crate::error::ApiError;
use crate::util::Params;
use serde_json::{json, Value};

fn limit(p: &Params) -> Result<usize, ApiError> {
    match p.int("limit")? {
        None => Ok(10),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(n) => Err(ApiError::invalid(format!("Invalid limit: {n}: must be between 1 and 100"))
            .code("parameter_invalid_integer")
            .param("limit")),
    }
}

/// The `created` filter every list takes: an exact time or `created[gt|gte|lt|lte]`.
pub fn created_filter(p: &Params) -> Result<impl Fn(i64) -> bool, ApiError> {
    let mut bounds = (i64::MIN, i64::MAX);
    if let Some(exact) = p.int("created")? {
        bounds = (exact, exact);
    }
    if let Some(c) = p.obj("created") {
        let get = |k: &str| c.int(k).map_err(|e| e.param(format!("created[{k}]")));
        if let Some(v) = get("gte")? {
            bounds.0 = bounds.0.max(v);
        }
        if let Some(v) = get("gt")? {
            bounds.0 = bounds.0.max(v.saturating_add(1));
        }
        if let Some(v) = get("lte")? {
            bounds.1 = bounds.1.min(v);
        }
        if let Some(v) = get("lt")? {
            bounds.1 = bounds.1.min(v.saturating_sub(1));
        }
    }
    Ok(move |t: i64| t >= bounds.0 && t <= bounds.1)
}

/// One page of `items`, which must already be filtered and ordered newest first; the
/// `created` filter is applied here, for every list.
pub fn page(items: Vec<&Value>, p: &Params, url: &str) -> Result<Value, ApiError> {
    let created = created_filter(p)?;
    let items: Vec<&Value> =
        items.into_iter().filter(|o| o["created"].as_i64().is_none_or(&created)).collect();
    let limit = limit(p)?;
    let pos = |param: &str| -> Result<Option<usize>, ApiError> {
        match p.str(param) {
            None | Some("") => Ok(None),
            Some(id) => items
                .iter()
                .position(|o| o["id"] == id)
                .map(Some)
                .ok_or_else(|| ApiError::no_such("object", id, param)),
        }
    };
    let (data, has_more): (Vec<&Value>, bool) = if let Some(i) = pos("starting_after")? {
        let rest = &items[i + 1..];
        (rest.iter().take(limit).copied().collect(), rest.len() > limit)
    } else if let Some(i) = pos("ending_before")? {
        let before = &items[..i];
        let start = before.len().saturating_sub(limit);
        (before[start..].to_vec(), start > 0)
    } else {
        (items.iter().take(limit).copied().collect(), items.len() > limit)
    };
    Ok(json!({"object": "list", "data": data, "has_more": has_more, "url": url}))
}

/// One page of a search over `items` (newest first), given the searchable fields.
pub fn search(
    items: Vec<&Value>,
    p: &Params,
    url: &str,
    fields: &[&str],
    resource: &str,
) -> Result<Value, ApiError> {
    let query = p.req_str("query")?;
    let q = Query::parse(query, fields, resource)?;
    let limit = limit(p)?;
    let offset = match p.str("page") {
        None | Some("") => 0,
        Some(tok) => tok
            .strip_prefix("page_")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid(format!("Invalid page: {tok}")).param("page"))?,
    };
    let hits: Vec<&Value> = items.into_iter().filter(|o| q.matches(o)).collect();
    let data: Vec<&Value> = hits.iter().skip(offset).take(limit).copied().collect();
    let has_more = hits.len() > offset + data.len();
    Ok(json!({
        "object": "search_result",
        "data": data,
        "has_more": has_more,
        "next_page": if has_more { json!(format!("page_{}", offset + data.len())) } else { Value::Null },
        "url": url,
    }))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Contains,
    Gt,
    Lt,
    Ge,
    Le,
}

#[derive(Debug)]
struct Clause {
    negate: bool,
    metadata_key: Option<String>,
    field: String,
    op: Op,
    value: String,
}

/// A parsed search query: clauses joined all by AND or all by OR (Stripe forbids mixing).
#[derive(Debug)]
pub struct Query {
    clauses: Vec<Clause>,
    any: bool,
}

impl Query {
    pub fn parse(input: &str, fields: &[&str], resource: &str) -> Result<Query, ApiError> {
        let err = |m: String| ApiError::invalid(m).param("query");
        let mut s = Scanner { chars: input.chars().collect(), i: 0 };
        let mut clauses = Vec::new();
        let mut joins = Vec::new();
        loop {
            s.skip_ws();
            clauses.push(s.clause().map_err(|m| err(format!("{m} in query {input:?}")))?);
            s.skip_ws();
            if s.done() {
                break;
            }
            let word = s.word();
            match word.as_str() {
                "AND" | "and" => joins.push(false),
                "OR" | "or" => joins.push(true),
                _ => {
                    return Err(err(format!(
                        "Expected AND or OR at position {} in query {input:?}",
                        s.i
                    )))
                }
            }
        }
        if joins.windows(2).any(|w| w[0] != w[1]) {
            return Err(err("Search queries cannot mix AND and OR".into()));
        }
        for c in &clauses {
            if !fields.contains(&c.field.as_str()) {
                return Err(err(format!(
                    "Field `{}` is an unsupported search field for resource `{resource}`.",
                    c.field
                )));
            }
        }
        Ok(Query { clauses, any: joins.first().copied().unwrap_or(false) })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        let hit = |c: &Clause| {
            let v = match &c.metadata_key {
                Some(k) => &obj["metadata"][k],
                // An invoice names its subscription under `parent` in this API version.
                None if c.field == "subscription" && obj["object"] == "invoice" => {
                    &obj["parent"]["subscription_details"]["subscription"]
                }
                None => &obj[&c.field],
            };
            c.negate != compare(v, c.op, &c.value)
        };
        if self.any {
            self.clauses.iter().any(hit)
        } else {
            self.clauses.iter().all(hit)
        }
    }
}

fn compare(v: &Value, op: Op, want: &str) -> bool {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    };
    match op {
        // Stripe's `:` is an exact match, case-insensitive.
        Op::Eq => text.to_lowercase() == want.to_lowercase(),
        Op::Contains => text.to_lowercase().contains(&want.to_lowercase()),
        _ => match (v.as_f64(), want.parse::<f64>()) {
            (Some(a), Ok(b)) => match op {
                Op::Gt => a > b,
                Op::Lt => a < b,
                Op::Ge => a >= b,
                _ => a <= b,
            },
            _ => false,
        },
    }
}

struct Scanner {
    chars: Vec<char>,
    i: usize,
}

impl Scanner {
    fn done(&self) -> bool {
        self.i >= self.chars.len()
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }
    fn word(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            self.i += 1;
        }
        self.chars[start..self.i].iter().collect()
    }
    fn quoted(&mut self) -> Result<String, String> {
        let q = self.peek().ok_or("Unexpected end")?;
        if q != '\'' && q != '"' {
            return Ok(self.word());
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err("Unterminated string".into()),
                Some('\\') => {
                    self.i += 1;
                    out.extend(self.peek());
                    self.i += 1;
                }
                Some(c) if c == q => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
    fn clause(&mut self) -> Result<Clause, String> {
        let negate = self.peek() == Some('-');
        if negate {
            self.i += 1;
        }
        let field = self.word();
        if field.is_empty() {
            return Err(format!("Expected a field at position {}", self.i));
        }
        let mut metadata_key = None;
        if self.peek() == Some('[') {
            self.i += 1;
            metadata_key = Some(self.quoted()?);
            if self.peek() != Some(']') {
                return Err("Expected ]".into());
            }
            self.i += 1;
        }
        let op = match (self.peek(), self.chars.get(self.i + 1).copied()) {
            (Some(':'), _) => Op::Eq,
            (Some('~'), _) => Op::Contains,
            (Some('>'), Some('=')) => Op::Ge,
            (Some('<'), Some('=')) => Op::Le,
            (Some('>'), _) => Op::Gt,
            (Some('<'), _) => Op::Lt,
            _ => return Err(format!("Expected an operator after `{field}`")),
        };
        self.i += if matches!(op, Op::Ge | Op::Le) { 2 } else { 1 };
        let value = self.quoted()?;
        Ok(Clause { negate, metadata_key, field, op, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_subset() {
        let fields = ["active", "metadata", "email", "created"];
        let obj =
            json!({"active": true, "email": "a@b.co", "created": 10, "metadata": {"tier": "pro"}});
        let q = |s: &str| Query::parse(s, &fields, "x").unwrap().matches(&obj);
        assert!(q("active:'true' AND metadata['tier']:'pro'"));
        assert!(q("metadata[\"tier\"]:\"pro\""));
        assert!(!q("metadata['tier']:'team'"));
        assert!(q("-metadata['tier']:'team'"));
        assert!(q("email~'B.CO' AND created>=10 AND created<11"));
        assert!(q("email:'x' OR active:'true'"));
        assert!(Query::parse("email:'x' OR active:'true' AND created>1", &fields, "x").is_err());
        assert!(Query::parse("nickname:'x'", &fields, "x").is_err());
        assert!(Query::parse("email:'x", &fields, "x").is_err());
    }
}
