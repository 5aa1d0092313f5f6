//! Decoding of Stripe's form-encoded parameters (`items[0][price]`, `metadata[tier]`,
//! `lookup_keys[]`) into a JSON tree that the endpoint handlers read.
//!
//! Stripe's client libraries send lists either as `key[]=a&key[]=b` or, as async-stripe does,
//! with explicit indices `key[0]=a&key[1]=b`; both decode to a JSON array. Leaf values stay
//! strings: handlers convert them, as Stripe does, and report a bad value with its param name.

use serde_json::{Map, Value};

/// Decodes an `application/x-www-form-urlencoded` body or query string.
pub fn decode(input: &[u8]) -> Result<Value, String> {
    let mut root = Map::new();
    for (key, value) in form_urlencoded::parse(input) {
        let path = split_key(&key)?;
        insert(&mut root, &path, value.into_owned(), &key)?;
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
        _ => Err(format!(
            "Invalid parameter name: {key} (conflicts with a scalar value)"
        )),
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
        assert_eq!(
            v,
            json!({"a": ["j", "k"], "metadata": {"0": "zero"}, "name": "T shirt x"})
        );
    }

    #[test]
    fn rejects_broken_names() {
        assert!(decode(b"items[0=x").is_err());
        assert!(decode(b"[a]=x").is_err());
        assert!(decode(b"a=1&a[b]=2").is_err());
    }
}
