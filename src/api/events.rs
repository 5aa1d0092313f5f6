//! `POST /v1/usage/events` and OpenMeter's `POST /api/v1/events`: a batch parsed from the
//! body, recorded through `usage import`'s workflow ([`crate::ops::serve::events`]), and the
//! refusals in each route's words.

use super::cloudevents;
use super::error::{ErrorCode as E, Fail};
use super::routes::Dialect;
use super::serve::{store_unavailable, Answer, Service};
use crate::adapters::server;
use crate::ops::lock;
use crate::ops::serve::{blocking, events};
use hyper::StatusCode;

/// A refused batch of usage events (nothing was recorded), in the route's words:
/// `POST /v1/usage/events` names `?skip_invalid` and counts, OpenMeter's route lists the rejects.
fn events_refused(dialect: Dialect, refused: events::Refused) -> Fail {
    match refused {
        events::Refused::Malformed(m) => Fail::bad_json(m),
        events::Refused::TooMany { count, max } => Fail::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            E::TooManyEvents,
            format!(
                "{} in one request; at most {max} (--max-events)",
                crate::util::plural::count(count, "event", "events")
            ),
        ),
        events::Refused::Invalid {
            read,
            rejected,
            rejects,
        } => {
            let said = format!(
                "{rejected} of {} {} invalid; nothing was recorded",
                crate::util::plural::count(read, "event", "events"),
                crate::util::plural::word(rejected, "is", "are")
            );
            let rejects = serde_json::to_value(rejects).unwrap_or_default();
            match dialect {
                Dialect::Problem => Fail::new(StatusCode::BAD_REQUEST, E::InvalidEvents, said)
                    .with("rejects", rejects),
                _ => Fail::new(
                    StatusCode::BAD_REQUEST,
                    E::InvalidEvents,
                    format!("{said} (add ?skip_invalid=true to record the valid ones)"),
                )
                .with("read", read.into())
                .with("rejected", rejected.into())
                .with("rejects", rejects),
            }
        }
    }
}

impl Service {
    pub(super) async fn events(&self, body: bytes::Bytes, query: Option<&str>) -> Answer {
        let skip_invalid = query.is_some_and(|q| {
            q.split('&')
                .any(|p| p == "skip_invalid=true" || p == "skip_invalid=1")
        });
        let (writer, max) = (self.writer.clone(), self.settings.max_events);
        let bounds = crate::domain::usage::Bounds::of(&self.config.usage);
        let done = blocking(move || {
            events::record(
                &mut lock(&writer),
                &body,
                (max, skip_invalid),
                bounds,
                crate::domain::clock::now(),
                crate::domain::usage::Route::Events,
            )
        })
        .await
        .and_then(|r| r);
        match done {
            Ok(Ok(accepted)) => {
                self.metrics.events(accepted.inserted);
                let route = crate::domain::usage::Route::Events;
                self.metrics.conflicts(route, accepted.conflicts);
                Ok(server::json(StatusCode::OK, &accepted))
            }
            Ok(Err(refused)) => Err(events_refused(Dialect::Billctl, refused)),
            Err(e) => {
                self.metrics.store_error();
                Err(store_unavailable(&e))
            }
        }
    }

    /// `POST /api/v1/events` (see [`cloudevents`]): 204 once the events are committed.
    pub(super) async fn cloud_events(
        &self,
        body: bytes::Bytes,
        content_type: Option<&str>,
    ) -> Answer {
        let Some(layout) = cloudevents::Layout::of(content_type) else {
            return Err(Fail::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                E::UnsupportedMediaType,
                "send application/cloudevents+json (one event) or application/cloudevents-batch+json (an array)",
            ));
        };
        let (writer, max) = (self.writer.clone(), self.settings.max_events);
        let bounds = crate::domain::usage::Bounds::of(&self.config.usage);
        let path = self.config.usage.value_property.clone();
        let done = blocking(move || {
            cloudevents::record(
                &mut lock(&writer),
                &body,
                layout,
                path.as_deref(),
                (max, bounds),
                crate::domain::clock::now(),
            )
        })
        .await
        .and_then(|r| r);
        match done {
            Ok(Ok(accepted)) => {
                self.metrics.events(accepted.inserted);
                let route = crate::domain::usage::Route::CloudEvents;
                self.metrics.conflicts(route, accepted.conflicts);
                Ok(server::body(
                    StatusCode::NO_CONTENT,
                    "application/json",
                    bytes::Bytes::new(),
                ))
            }
            Ok(Err(refused)) => Err(events_refused(Dialect::Problem, refused)),
            Err(e) => {
                self.metrics.store_error();
                Err(store_unavailable(&e))
            }
        }
    }
}
