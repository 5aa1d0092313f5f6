//! A Stripe event as billctl indexes it (its envelope), and how applying one ended.

use serde::{Deserialize, Serialize};

/// The parts of an event billctl indexes; the body is kept as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: String,
    pub kind: String,
    pub created: i64,
    pub livemode: bool,
    pub object_id: Option<String>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    id: Option<String>,
    object: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    created: Option<i64>,
    #[serde(default)]
    livemode: bool,
    data: Option<RawData>,
}

#[derive(Deserialize)]
struct RawData {
    object: Option<RawObject>,
}

#[derive(Deserialize)]
struct RawObject {
    id: Option<String>,
}

impl Envelope {
    /// Reads the envelope of a Stripe event body; the error says what is wrong with it.
    pub fn parse(body: &[u8]) -> Result<Envelope, String> {
        let raw: RawEnvelope =
            serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
        if raw.object.as_deref().is_some_and(|o| o != "event") {
            return Err(format!(
                "not an event: object is {:?}",
                raw.object.unwrap_or_default()
            ));
        }
        let id = raw
            .id
            .filter(|s| !s.is_empty())
            .ok_or("not an event: no id")?;
        let kind = raw
            .kind
            .filter(|s| !s.is_empty())
            .ok_or("not an event: no type")?;
        let created = raw.created.ok_or("not an event: no created")?;
        let data = raw.data.ok_or("not an event: no data.object")?;
        let object = data.object.ok_or("not an event: no data.object")?;
        Ok(Envelope {
            id,
            kind,
            created,
            livemode: raw.livemode,
            object_id: object.id,
        })
    }
}

/// How applying an event ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "lowercase")]
pub enum Outcome {
    Applied(String),
    Ignored(String),
    Failed(String),
}

impl Outcome {
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Applied(_) => "applied",
            Outcome::Ignored(_) => "ignored",
            Outcome::Failed(_) => "failed",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Outcome::Applied(d) | Outcome::Ignored(d) | Outcome::Failed(d) => d,
        }
    }
}
