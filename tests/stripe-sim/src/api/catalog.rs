//! Products and prices. Prices are immutable past a few fields, and a `lookup_key` is unique
//! across prices unless moved with `transfer_lookup_key`.
//! See <https://docs.stripe.com/api/products> and <https://docs.stripe.com/api/prices>.

use super::{newest_first, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{previous_attributes, State};
use crate::util::{apply_metadata, new_id, Params};
use serde_json::{json, Value};

const PRODUCT_WRITABLE: &[&str] = &[
    "name",
    "active",
    "description",
    "metadata",
    "marketing_features",
    "tax_code",
    "unit_label",
    "statement_descriptor",
    "url",
    "images",
    "shippable",
];

fn set_product_fields(product: &mut Value, p: &Params) -> Result<(), ApiError> {
    for key in ["name", "description", "tax_code", "unit_label", "statement_descriptor", "url"] {
        if let Some(v) = p.str(key) {
            product[key] = if v.is_empty() && key != "name" { Value::Null } else { json!(v) };
        }
    }
    for key in ["active", "shippable"] {
        if let Some(b) = p.bool(key)? {
            product[key] = json!(b);
        }
    }
    if p.has("marketing_features") {
        let feats: Vec<Value> = p
            .list("marketing_features")
            .iter()
            .filter_map(|f| f.get("name").and_then(Value::as_str))
            .map(|n| json!({ "name": n }))
            .collect();
        product["marketing_features"] = json!(feats);
    }
    if p.has("images") {
        product["images"] = json!(p.str_list("images"));
    }
    apply_metadata(product, p)
}

pub fn create_product(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let mut allowed = PRODUCT_WRITABLE.to_vec();
    allowed.extend(["id", "type"]);
    p.allow_only(&allowed)?;
    let name = p.req_str("name")?;
    let id = match p.str("id") {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => new_id("prod"),
    };
    if state.products.contains_key(&id) {
        return Err(ApiError::invalid("Product already exists.")
            .code("resource_already_exists")
            .param("id"));
    }
    let mut product = fixture("product");
    let t = state.now();
    product["id"] = json!(id);
    product["name"] = json!(name);
    product["created"] = json!(t);
    product["updated"] = json!(t);
    product["livemode"] = json!(false);
    product["type"] = json!("service");
    product["default_price"] = Value::Null;
    product["package_dimensions"] = Value::Null;
    product["metadata"] = json!({});
    product["images"] = json!([]);
    product["marketing_features"] = json!([]);
    for key in ["description", "shippable", "statement_descriptor", "tax_code", "unit_label", "url"]
    {
        product[key] = Value::Null;
    }
    set_product_fields(&mut product, &p)?;
    state.indexed(&id);
    state.products.insert(id, product.clone());
    state.emit("product.created", &product, None, &req.meta);
    Ok(product)
}

pub fn retrieve_product(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.products, "product", id, "id").cloned()
}

pub fn update_product(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    let mut allowed = PRODUCT_WRITABLE.to_vec();
    allowed.push("default_price");
    p.allow_only(&allowed)?;
    let before = State::get(&state.products, "product", id, "id")?.clone();
    let mut product = before.clone();
    set_product_fields(&mut product, &p)?;
    if let Some(price_id) = p.str("default_price") {
        if price_id.is_empty() {
            product["default_price"] = Value::Null;
        } else {
            let price = State::get(&state.prices, "price", price_id, "default_price")?;
            if price["product"] != id {
                return Err(ApiError::invalid(format!(
                    "The price `{price_id}` does not belong to product `{id}`."
                ))
                .param("default_price"));
            }
            product["default_price"] = json!(price_id);
        }
    }
    if product != before {
        product["updated"] = json!(state.now());
        state.products.insert(id.to_string(), product.clone());
        state.emit(
            "product.updated",
            &product,
            Some(previous_attributes(&before, &product)),
            &req.meta,
        );
    }
    Ok(product)
}

pub fn delete_product(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let product = State::get(&state.products, "product", id, "id")?.clone();
    if state.prices.values().any(|pr| pr["product"] == id) {
        return Err(ApiError::invalid(
            "This product cannot be deleted because it has one or more user-created prices.",
        ));
    }
    state.products.shift_remove(id);
    state.emit("product.deleted", &product, None, &req.meta);
    let mut deleted = fixture("deleted_product");
    deleted["id"] = json!(id);
    Ok(deleted)
}

pub fn list_products(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let active = p.bool("active")?;
    let ids = p.str_list("ids");
    let items = newest_first(&state.products, |o| {
        active.is_none_or(|a| o["active"] == a)
            && (ids.is_empty() || ids.iter().any(|i| o["id"] == *i))
    });
    list::page(items, &p, "/v1/products")
}

pub fn search_products(state: &State, req: &Req) -> Result<Value, ApiError> {
    let fields = ["active", "created", "description", "metadata", "name", "shippable", "url", "id"];
    list::search(
        newest_first(&state.products, |o| state.searchable(o)),
        &req.p(),
        "/v1/products/search",
        &fields,
        "products",
    )
}

const PRICE_UPDATABLE: &[&str] = &[
    "active",
    "lookup_key",
    "transfer_lookup_key",
    "metadata",
    "nickname",
    "tax_behavior",
    "currency_options",
];

fn tax_behavior(p: &Params) -> Result<Option<&'static str>, ApiError> {
    match p.str("tax_behavior") {
        None => Ok(None),
        Some("inclusive") => Ok(Some("inclusive")),
        Some("exclusive") => Ok(Some("exclusive")),
        Some("unspecified") => Ok(Some("unspecified")),
        Some(other) => Err(ApiError::bad_value("tax_behavior", other)),
    }
}

/// Gives `lookup_key` to `price_id`, taking it from the price that holds it when `transfer`.
fn claim_lookup_key(
    state: &mut State,
    req: &Req,
    key: &str,
    price_id: &str,
    transfer: bool,
) -> Result<(), ApiError> {
    let holder = state
        .prices
        .values()
        .find(|pr| pr["lookup_key"] == key && pr["id"] != price_id)
        .map(|pr| pr["id"].as_str().unwrap_or_default().to_string());
    let Some(holder) = holder else { return Ok(()) };
    if !transfer {
        return Err(ApiError::invalid(format!(
            "A price (`{holder}`) already uses that lookup key."
        ))
        .code("lookup_key_already_used")
        .param("lookup_key"));
    }
    let old = state.prices[&holder].clone();
    let mut moved = old.clone();
    moved["lookup_key"] = Value::Null;
    state.prices.insert(holder, moved.clone());
    state.emit("price.updated", &moved, Some(previous_attributes(&old, &moved)), &req.meta);
    Ok(())
}

/// The `tiers` of a tiered price: ascending `up_to`, the last one `inf`, each with a unit
/// and/or flat amount. Stripe returns them only when expanded (see `crate::expand`).
fn price_tiers(p: &Params) -> Result<Value, ApiError> {
    match p.str("tiers_mode") {
        Some("graduated" | "volume") => {}
        Some(m) => return Err(ApiError::bad_value("tiers_mode", m)),
        None => return Err(ApiError::missing("tiers_mode")),
    }
    let raw = p.list("tiers");
    if raw.is_empty() {
        return Err(ApiError::missing("tiers"));
    }
    let mut out = Vec::new();
    let mut last: Option<i64> = None;
    for (i, t) in raw.iter().enumerate() {
        let t = t
            .as_object()
            .map(Params)
            .ok_or_else(|| ApiError::bad_value(&format!("tiers[{i}]"), "not an object"))?;
        let up_to = match t.str("up_to") {
            Some("inf") => None,
            Some(_) => Some(
                t.int("up_to").map_err(|e| e.param(format!("tiers[{i}][up_to]")))?.unwrap_or(0),
            ),
            None => return Err(ApiError::missing(&format!("tiers[{i}][up_to]"))),
        };
        let is_last = i + 1 == raw.len();
        match (up_to, is_last) {
            (None, false) => {
                return Err(ApiError::invalid("Only the last tier may have up_to=inf.")
                    .param(format!("tiers[{i}][up_to]")))
            }
            (Some(_), true) => {
                return Err(ApiError::invalid("The last tier must have up_to=inf.")
                    .param(format!("tiers[{i}][up_to]")))
            }
            (Some(u), _) if u < 1 || last.is_some_and(|l| u <= l) => {
                return Err(ApiError::invalid("Tiers must have ascending up_to values.")
                    .param(format!("tiers[{i}][up_to]")))
            }
            _ => {}
        }
        if up_to.is_some() {
            last = up_to;
        }
        let unit = match (t.int("unit_amount")?, t.str("unit_amount_decimal")) {
            (Some(a), _) if a >= 0 => Some(a.to_string()),
            (None, Some(d)) if d.parse::<f64>().is_ok_and(|x| x >= 0.0) => Some(d.to_string()),
            (None, None) => None,
            _ => {
                return Err(ApiError::invalid("Invalid tier amount.")
                    .param(format!("tiers[{i}][unit_amount]")))
            }
        };
        let flat = t.int("flat_amount")?;
        if unit.is_none() && flat.is_none() {
            return Err(ApiError::missing(&format!("tiers[{i}][unit_amount]")));
        }
        out.push(json!({
            "flat_amount": flat,
            "flat_amount_decimal": flat.map(|f| f.to_string()),
            "unit_amount": unit.as_ref().and_then(|u| u.parse::<i64>().ok()),
            "unit_amount_decimal": unit,
            "up_to": up_to,
        }));
    }
    Ok(Value::Array(out))
}

fn recurring(p: &Params, state: &State) -> Result<Option<Value>, ApiError> {
    let Some(r) = p.obj("recurring") else {
        return Ok(None);
    };
    let interval = r.str("interval").ok_or_else(|| ApiError::missing("recurring[interval]"))?;
    if !["day", "week", "month", "year"].contains(&interval) {
        return Err(ApiError::bad_value("recurring[interval]", interval));
    }
    let count =
        r.int("interval_count").map_err(|e| e.param("recurring[interval_count]"))?.unwrap_or(1);
    let max = match interval {
        "day" => 1095,
        "week" => 156,
        "month" => 36,
        _ => 3,
    };
    if count < 1 || count > max {
        return Err(ApiError::invalid(
            "Invalid recurring[interval_count]: the maximum billing period is three years.",
        )
        .param("recurring[interval_count]"));
    }
    let usage = r.str("usage_type").unwrap_or("licensed");
    if !["licensed", "metered"].contains(&usage) {
        return Err(ApiError::bad_value("recurring[usage_type]", usage));
    }
    let meter = r.str("meter").filter(|m| !m.is_empty());
    match (usage, meter) {
        ("metered", None) => return Err(ApiError::missing("recurring[meter]")),
        ("licensed", Some(_)) => {
            return Err(ApiError::invalid(
                "recurring[meter] can only be set when recurring[usage_type] is metered.",
            )
            .param("recurring[meter]"))
        }
        (_, Some(m)) => {
            State::get(&state.meters, "billing.meter", m, "recurring[meter]")?;
        }
        _ => {}
    }
    Ok(Some(json!({
        "interval": interval, "interval_count": count, "usage_type": usage,
        "meter": meter, "trial_period_days": null,
    })))
}

pub fn create_price(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "product",
        "product_data",
        "unit_amount",
        "unit_amount_decimal",
        "currency",
        "recurring",
        "lookup_key",
        "transfer_lookup_key",
        "nickname",
        "metadata",
        "tax_behavior",
        "active",
        "billing_scheme",
        "tiers",
        "tiers_mode",
    ])?;
    let currency = p.req_str("currency")?.to_ascii_lowercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(ApiError::bad_value("currency", &currency).code("parameter_invalid_string"));
    }
    let tiered = p.str("billing_scheme") == Some("tiered");
    let tiers = if tiered { Some(price_tiers(&p)?) } else { None };
    let amount = match (p.int("unit_amount")?, p.str("unit_amount_decimal")) {
        (None, None) if tiered => String::new(),
        (Some(_), _) | (_, Some(_)) if tiered => return Err(ApiError::invalid(
            "unit_amount cannot be combined with billing_scheme=tiered; set the amounts on tiers.",
        )
        .param("unit_amount")),
        (Some(a), _) if a < 0 => {
            return Err(
                ApiError::invalid("Invalid unit_amount: must be at least 0").param("unit_amount")
            )
        }
        (Some(a), _) if a > MAX_UNIT_AMOUNT => return Err(too_large(&currency)),
        (Some(a), _) => {
            whole_for_currency(a, &currency)?;
            a.to_string()
        }
        (None, Some(d)) if d.parse::<f64>().is_ok_and(|x| x >= 0.0) => d.to_string(),
        (None, Some(d)) => return Err(ApiError::bad_value("unit_amount_decimal", d)),
        (None, None) => return Err(ApiError::missing("unit_amount")),
    };
    if let Some(b) = p.str("billing_scheme").filter(|b| !["per_unit", "tiered"].contains(b)) {
        return Err(ApiError::bad_value("billing_scheme", b));
    }
    let lookup_key = p.str("lookup_key").filter(|k| !k.is_empty());
    let transfer = p.bool("transfer_lookup_key")?.unwrap_or(false);
    if let Some(key) = lookup_key {
        if key.len() > 200 {
            return Err(
                ApiError::invalid("lookup_key must be at most 200 characters.").param("lookup_key")
            );
        }
        if !transfer {
            // Refuse before anything (such as a product_data product) is created.
            claim_lookup_key(state, req, key, "", false)?;
        }
    }
    let recurring = recurring(&p, state)?;
    apply_metadata(&mut json!({}), &p)?;
    let product_id = match (p.str("product"), p.obj("product_data")) {
        (Some(id), _) if !id.is_empty() => {
            State::get(&state.products, "product", id, "product")?["id"].clone()
        }
        (_, Some(pd)) => {
            let sub = Req {
                method: req.method.clone(),
                path: "/v1/products".into(),
                params: pd.0.clone(),
                meta: req.meta.clone(),
            };
            create_product(state, &sub).map_err(|e| e.param("product_data"))?["id"].clone()
        }
        _ => return Err(ApiError::missing("product")),
    };
    let id = new_id("price");
    let mut price = fixture("price");
    price["id"] = json!(id);
    price["created"] = json!(state.now());
    price["livemode"] = json!(false);
    price["product"] = product_id;
    price["currency"] = json!(currency);
    price["unit_amount"] = amount.parse::<i64>().map(Value::from).unwrap_or(Value::Null);
    price["unit_amount_decimal"] = if amount.is_empty() { Value::Null } else { json!(amount) };
    price["custom_unit_amount"] = Value::Null;
    price["billing_scheme"] = json!(if tiered { "tiered" } else { "per_unit" });
    price["tiers_mode"] = match &tiers {
        Some(_) => json!(p.str("tiers_mode")),
        None => Value::Null,
    };
    if let Some(t) = tiers {
        price["tiers"] = t;
    }
    price["transform_quantity"] = Value::Null;
    price["type"] = json!(if recurring.is_some() { "recurring" } else { "one_time" });
    price["recurring"] = recurring.unwrap_or(Value::Null);
    price["lookup_key"] =
        p.str("lookup_key").filter(|k| !k.is_empty()).map(Value::from).unwrap_or(Value::Null);
    price["nickname"] = p.str("nickname").map(Value::from).unwrap_or(Value::Null);
    price["tax_behavior"] = json!(tax_behavior(&p)?.unwrap_or("unspecified"));
    price["active"] = json!(p.bool("active")?.unwrap_or(true));
    price["metadata"] = json!({});
    apply_metadata(&mut price, &p)?;
    if let Some(key) = lookup_key {
        claim_lookup_key(state, req, key, &id, transfer)?;
    }
    state.indexed(&id);
    state.prices.insert(id, price.clone());
    state.emit("price.created", &price, None, &req.meta);
    Ok(price)
}

pub fn retrieve_price(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.prices, "price", id, "id").cloned()
}

pub fn update_price(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    // Stripe prices are immutable apart from these; anything else is an unknown parameter.
    p.allow_only(PRICE_UPDATABLE)?;
    let before = State::get(&state.prices, "price", id, "id")?.clone();
    let mut price = before.clone();
    if let Some(a) = p.bool("active")? {
        price["active"] = json!(a);
    }
    if let Some(n) = p.str("nickname") {
        price["nickname"] = if n.is_empty() { Value::Null } else { json!(n) };
    }
    if let Some(t) = tax_behavior(&p)? {
        if before["tax_behavior"] != "unspecified" && before["tax_behavior"] != t {
            return Err(ApiError::invalid(
                "tax_behavior cannot be changed once it is set to inclusive or exclusive.",
            )
            .param("tax_behavior"));
        }
        price["tax_behavior"] = json!(t);
    }
    apply_metadata(&mut price, &p)?;
    if let Some(key) = p.str("lookup_key") {
        if key.is_empty() {
            price["lookup_key"] = Value::Null;
        } else {
            claim_lookup_key(state, req, key, id, p.bool("transfer_lookup_key")?.unwrap_or(false))?;
            price["lookup_key"] = json!(key);
        }
    }
    if price != before {
        state.prices.insert(id.to_string(), price.clone());
        state.emit("price.updated", &price, Some(previous_attributes(&before, &price)), &req.meta);
    }
    Ok(price)
}

pub fn list_prices(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let active = p.bool("active")?;
    let product = p.str("product");
    let keys = p.str_list("lookup_keys");
    if keys.len() > 10 {
        return Err(ApiError::invalid("You can pass at most 10 lookup_keys.").param("lookup_keys"));
    }
    let kind = p.str("type");
    if let Some(k) = kind.filter(|k| !["one_time", "recurring"].contains(k)) {
        return Err(ApiError::bad_value("type", k));
    }
    let currency = p.str("currency");
    let recurring = p.obj("recurring");
    let interval = recurring.as_ref().and_then(|r| r.str("interval"));
    if let Some(i) = interval.filter(|i| !["day", "week", "month", "year"].contains(i)) {
        return Err(ApiError::bad_value("recurring[interval]", i));
    }
    let usage = recurring.as_ref().and_then(|r| r.str("usage_type"));
    let meter = recurring.as_ref().and_then(|r| r.str("meter"));
    let items = newest_first(&state.prices, |o| {
        active.is_none_or(|a| o["active"] == a)
            && product.is_none_or(|pr| o["product"] == pr)
            && (keys.is_empty() || keys.iter().any(|k| o["lookup_key"] == *k))
            && kind.is_none_or(|t| o["type"] == t)
            && currency.is_none_or(|c| o["currency"] == c)
            && interval.is_none_or(|i| o["recurring"]["interval"] == i)
            && usage.is_none_or(|u| o["recurring"]["usage_type"] == u)
            && meter.is_none_or(|m| o["recurring"]["meter"] == m)
    });
    list::page(items, &p, "/v1/prices")
}

pub fn search_prices(state: &State, req: &Req) -> Result<Value, ApiError> {
    let fields =
        ["active", "created", "currency", "lookup_key", "metadata", "product", "type", "id"];
    list::search(
        newest_first(&state.prices, |o| state.searchable(o)),
        &req.p(),
        "/v1/prices/search",
        &fields,
        "prices",
    )
}

/// The largest amount Stripe takes: eight digits ("a value of 99999999 for a USD charge of
/// $999,999.99", <https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts>).
pub const MAX_UNIT_AMOUNT: i64 = 99_999_999;

/// Stripe's refusal of an amount past [`MAX_UNIT_AMOUNT`] (code `amount_too_large`; its
/// message names the limit in the currency, "Amount must be no more than $999,999.99").
fn too_large(currency: &str) -> ApiError {
    let limit = match currency {
        "usd" => "$999,999.99".to_string(),
        c => format!("{MAX_UNIT_AMOUNT} in the smallest unit of {}", c.to_ascii_uppercase()),
    };
    ApiError::invalid(format!("Amount must be no more than {limit}"))
        .code("amount_too_large")
        .param("unit_amount")
}

/// Stripe's rules on an amount's last digits (<https://docs.stripe.com/currencies>):
/// three-decimal currencies (BHD, JOD, KWD, OMR, TND) take amounts ending in 0, and ISK and
/// UGX, whole units written with two decimals, multiples of 100. Stripe's exact wording for
/// this refusal is not published; the rule is, and the simulator is never kinder than Stripe.
pub fn whole_for_currency(amount: i64, currency: &str) -> Result<(), ApiError> {
    let step = match currency {
        "bhd" | "jod" | "kwd" | "omr" | "tnd" => 10,
        "isk" | "ugx" => 100,
        _ => return Ok(()),
    };
    if amount % step == 0 {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "Invalid unit_amount: {amount} is not a valid amount in {currency}; amounts in {currency} must be divisible by {step}."
    ))
    .param("unit_amount"))
}
