//! Decoding of Stripe's form-encoded parameters (`items[0][price]`, `metadata[tier]`,
//! `lookup_keys[]`) into a JSON tree that the endpoint handlers read.
//!
//! Stripe's client libraries send lists either as `key[]=a&key[]=b` or, as async-stripe does,
//! with explicit indices `key[0]=a&key[1]=b`; both decode to a JSON array. Leaf values stay
//! strings: handlers convert them, as Stripe does, and report a bad value with its param name.

use serde_json::{Map, Value};

/// The most brackets a parameter name may nest (Stripe's deepest documented parameters, such
/// as `line_items[0][price_data][recurring][interval]`, have four): deeper names are refused
/// before anything recursive sees them, so no request can exhaust the stack.
pub const MAX_DEPTH: usize = 8;
/// The most parameters one request may carry.
pub const MAX_PARAMS: usize = 1_000;
/// The longest a parameter's name or value may be, in bytes (Stripe's longest string
/// parameters, descriptions, take 5,000 characters).
pub const MAX_VALUE: usize = 5_000;

/// Parameters that Stripe types as strings wherever they appear at the top level: an array
/// or a hash there (`email[]=a`) is refused, as Stripe refuses it.
const STRINGS: &[&str] = &[
    "email",
    "name",
    "description",
    "phone",
    "customer",
    "currency",
    "nickname",
    "lookup_key",
    "url",
    "return_url",
    "success_url",
    "cancel_url",
    "mode",
    "payment_behavior",
    "collection_method",
    "proration_behavior",
    "default_payment_method",
    "payment_method",
    "tax_behavior",
    "statement_descriptor",
    "query",
    "starting_after",
    "ending_before",
    "event_name",
    "api_version",
    "status",
    "product",
    "price",
    "subscription",
    "invoice",
];

/// A name or value shortened for an error message.
fn shown(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// Decodes an `application/x-www-form-urlencoded` body or query string, within the bounds
/// above.
pub fn decode(input: &[u8]) -> Result<Value, String> {
    let mut root = Map::new();
    for (n, (key, value)) in form_urlencoded::parse(input).enumerate() {
        if n >= MAX_PARAMS {
            return Err(format!("Too many parameters: a request may carry at most {MAX_PARAMS}."));
        }
        if key.len() > MAX_VALUE {
            return Err(format!("Invalid parameter name: {} (too long)", shown(&key)));
        }
        if value.len() > MAX_VALUE {
            return Err(format!(
                "Invalid string: {}; must be at most {MAX_VALUE} characters (parameter {})",
                shown(&value),
                shown(&key)
            ));
        }
        let path = split_key(&key)?;
        insert(&mut root, &path, value.into_owned(), &key)?;
    }
    for key in STRINGS {
        if let Some(v) = root.get(*key).filter(|v| !v.is_string()) {
            return Err(format!(
                "Invalid string: {} (parameter {key} takes a string)",
                shown(&v.to_string())
            ));
        }
    }
    let mut root = Value::Object(root);
    arrays_from_indices(&mut root, false);
    Ok(root)
}

/// `items[0][price]` -> `["items", "0", "price"]`; `lookup_keys[]` -> `["lookup_keys", ""]`.
fn split_key(key: &str) -> Result<Vec<String>, String> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return Err(format!("Invalid parameter name: {key}"));
    }
    let mut path = vec![head.to_string()];
    while !rest.is_empty() {
        if path.len() > MAX_DEPTH {
            return Err(format!(
                "Invalid parameter name: {} (nested more than {MAX_DEPTH} levels)",
                shown(key)
            ));
        }
        let close = match (rest.starts_with('['), rest.find(']')) {
            (true, Some(close)) => close,
            _ => return Err(format!("Invalid parameter name: {key}")),
        };
        path.push(rest[1..close].to_string());
        rest = &rest[close + 1..];
    }
    Ok(path)
}

fn insert(
    map: &mut Map<String, Value>,
    path: &[String],
    value: String,
    key: &str,
) -> Result<(), String> {
    let seg = if path[0].is_empty() {
        // `[]`: append at the next free index; turned into an array afterwards.
        map.len().to_string()
    } else {
        path[0].clone()
    };
    if path.len() == 1 {
        map.insert(seg, Value::String(value));
        return Ok(());
    }
    let child = map.entry(seg).or_insert_with(|| Value::Object(Map::new()));
    match child {
        Value::Object(inner) => insert(inner, &path[1..], value, key),
        // `metadata=` (clear all) followed by `metadata[k]=v`: the later keys win.
        Value::String(s) if s.is_empty() => {
            *child = Value::Object(Map::new());
            match child {
                Value::Object(inner) => insert(inner, &path[1..], value, key),
                _ => unreachable!("just set to an object"),
            }
        }
        _ => Err(format!("Invalid parameter name: {key} (conflicts with a scalar value)")),
    }
}

/// Objects whose keys are all integers become arrays ordered by index. `metadata` maps keep
/// their keys even when they look like numbers.
fn arrays_from_indices(value: &mut Value, in_metadata: bool) {
    let Value::Object(map) = value else { return };
    for (k, v) in map.iter_mut() {
        arrays_from_indices(v, k == "metadata" || k == "payload");
    }
    if in_metadata || map.is_empty() || !map.keys().all(|k| k.parse::<usize>().is_ok()) {
        return;
    }
    let mut items: Vec<(usize, Value)> = std::mem::take(map)
        .into_iter()
        .map(|(k, v)| (k.parse::<usize>().unwrap_or(usize::MAX), v))
        .collect();
    items.sort_by_key(|(i, _)| *i);
    *value = Value::Array(items.into_iter().map(|(_, v)| v).collect());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_brackets_indices_and_empty_brackets() {
        let v = decode(b"items[0][price]=price_1&items[1][price]=price_2&metadata[tier]=pro&lookup_keys[]=a&lookup_keys[]=b&expand[0]=x").unwrap();
        assert_eq!(
            v,
            json!({"items": [{"price": "price_1"}, {"price": "price_2"}], "metadata": {"tier": "pro"},
                   "lookup_keys": ["a", "b"], "expand": ["x"]})
        );
    }

    #[test]
    fn indices_sort_numerically_and_metadata_keeps_numeric_keys() {
        let v = decode(b"a[10]=k&a[2]=j&metadata[0]=zero&name=T%20shirt+x").unwrap();
        assert_eq!(v, json!({"a": ["j", "k"], "metadata": {"0": "zero"}, "name": "T shirt x"}));
    }

    #[test]
    fn bounds_depth_count_length_and_string_params() {
        let deep = format!("metadata{}=x", "[a]".repeat(100));
        assert!(decode(deep.as_bytes()).unwrap_err().contains("nested more than"));
        let deeper = format!("metadata{}=x", "[a]".repeat(10_000));
        assert!(decode(deeper.as_bytes()).is_err());
        let ok = format!("a{}=x", "[b]".repeat(MAX_DEPTH - 1));
        assert!(decode(ok.as_bytes()).is_ok());
        let many: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("metadata[k{i}]=v")).collect();
        assert!(decode(many.join("&").as_bytes()).unwrap_err().contains("Too many"));
        let long = format!("description={}", "x".repeat(MAX_VALUE + 1));
        assert!(decode(long.as_bytes()).unwrap_err().contains("at most"));
        assert!(decode(b"email[]=a@example.com").unwrap_err().contains("Invalid string"));
        assert!(decode(b"email[x]=a").unwrap_err().contains("takes a string"));
        assert!(decode(b"email=a%40example.com").is_ok());
    }

    #[test]
    fn rejects_broken_names() {
        assert!(decode(b"items[0=x").is_err());
        assert!(decode(b"[a]=x").is_err());
        assert!(decode(b"a=1&a[b]=2").is_err());
    }
}
