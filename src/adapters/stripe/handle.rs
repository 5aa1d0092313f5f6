//! The two handles on a Stripe account: `Stripe` reads, `Writer` alone writes. A `Writer` is
//! made only by [`Writer::unlock`], which is the live-mode check: a live-mode key writes only
//! when the caller says `--live`. Their fields are private to this file, so no other code
//! (not even the rest of `stripe`) can build one or reach the writing transport.

use super::error::Error;
use super::transport::{Method, Settings, Transport};
use crate::adapters::secrets::StripeKey;
use crate::domain::mode::Mode;
use stripe_client_core::{IdempotencyKey, RequestStrategy, StripeRequest};

/// A Stripe account for reading, reached through one pooled transport. Its transport refuses
/// POST and DELETE; every mutating call is a method of [`Writer`].
#[derive(Clone)]
pub struct Stripe {
    /// The pooled client, read-only.
    transport: Transport,
    /// The same pool, able to write: handed only to a `Writer`, by `Writer::unlock`.
    writable: Transport,
    mode: Mode,
    last4: String,
}

/// Why no write handle: the key is a live-mode key and the caller did not pass `--live`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRefused {
    /// The key's last four characters, to name it without showing it.
    pub last4: String,
}

/// The write handle: the only holder of Stripe's mutating calls (every POST and DELETE).
/// It reads too (it dereferences to the [`Stripe`] it was unlocked from).
#[derive(Clone)]
pub struct Writer {
    read: Stripe,
    transport: Transport,
}

pub(crate) fn strategy(key: &str) -> Result<RequestStrategy, Error> {
    IdempotencyKey::new(key)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| Error::Decode(format!("bad idempotency key {key}: {e:?}")))
}

impl Stripe {
    pub fn new(key: &StripeKey, settings: Settings) -> Result<Stripe, Error> {
        let writable = Transport::new(&key.secret, settings)?;
        Ok(Stripe {
            transport: writable.read_only(),
            writable,
            mode: key.mode,
            last4: key.last4().to_string(),
        })
    }

    /// The read-only transport, for the read methods of this module's files.
    pub(super) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The mode of the key this client sends.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The key's last four characters (to name it in a question or an error).
    pub fn last4(&self) -> &str {
        &self.last4
    }

    pub fn base(&self) -> &str {
        self.transport.base()
    }

    /// This process's clock minus Stripe's, from the last answer's `Date` (seconds).
    pub fn clock_skew(&self) -> Option<i64> {
        self.transport.clock_skew()
    }

    /// This process's clock minus Stripe's, from the first answer's `Date` (seconds).
    pub fn first_clock_skew(&self) -> Option<i64> {
        self.transport.first_clock_skew()
    }
}

impl Writer {
    /// The live-mode check, the one way to a write handle: a test-mode key always writes; a
    /// live-mode key only with `live` (the `--live` flag). Asks nothing and sends nothing.
    pub(crate) fn unlock(read: &Stripe, live: bool) -> Result<Writer, LiveRefused> {
        if read.mode == Mode::Live && !live {
            return Err(LiveRefused {
                last4: read.last4.clone(),
            });
        }
        Ok(Writer {
            read: read.clone(),
            transport: read.writable.clone(),
        })
    }

    /// The same handle, with every call (retries included) cut at `deadline` with
    /// [`Error::Deadline`]: `serve` answers within its request timeout even when Stripe hangs.
    pub fn with_deadline(&self, deadline: std::time::Duration) -> Writer {
        let mut read = self.read.clone();
        read.transport = read.transport.with_deadline(deadline);
        read.writable = read.writable.with_deadline(deadline);
        Writer {
            read,
            transport: self.transport.with_deadline(deadline),
        }
    }

    /// Whether this handle writes to live Stripe data.
    pub fn is_live(&self) -> bool {
        self.read.mode == Mode::Live
    }

    /// Sends a typed write with the caller's idempotency key (the transport retries with it).
    pub(super) async fn write<R>(&self, req: R, key: &str) -> Result<R::Output, Error>
    where
        R: StripeRequest,
        R::Output: miniserde::Deserialize,
    {
        req.customize()
            .request_strategy(strategy(key)?)
            .send(&self.transport)
            .await
    }

    /// Sends a form-encoded POST or a DELETE (`form` and `key` only for a POST); the body.
    pub(super) async fn send_raw(
        &self,
        method: Method,
        path: &str,
        form: Option<String>,
        key: Option<&str>,
    ) -> Result<bytes::Bytes, Error> {
        self.transport.raw(method, path, None, form, key).await
    }
}

impl std::ops::Deref for Writer {
    type Target = Stripe;

    fn deref(&self) -> &Stripe {
        &self.read
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::secrets::Source;

    const LIVE: &str = "sk_live_billctltest0000000000000000";

    fn client(sim: &stripe_sim::StripeSim, key: &str) -> Stripe {
        let key = StripeKey::parse(key, Source::Env).expect("a key");
        let settings = Settings {
            base: sim.base_url(),
            timeout: std::time::Duration::from_secs(30),
            max_attempts: 1,
            backoff: std::time::Duration::from_millis(10),
            log: None,
            max_rps: None,
        };
        Stripe::new(&key, settings).expect("a client")
    }

    fn sim_test_key() -> &'static str {
        stripe_sim::DEFAULT_API_KEY
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn a_live_key_unlocks_only_with_live() {
        let sim = stripe_sim::StripeSim::builder()
            .api_keys(vec![LIVE.into()])
            .start()
            .unwrap();
        let read = client(&sim, LIVE);
        let refused = Writer::unlock(&read, false).err().expect("refused");
        assert_eq!(refused.last4, "0000");
        assert!(Writer::unlock(&read, true).expect("with --live").is_live());
        let test = client(&sim, sim_test_key());
        assert!(!Writer::unlock(&test, false).expect("test mode").is_live());
        assert!(sim.requests().is_empty(), "the check sends nothing");
    }

    /// The read client cannot write even by going around its types: its transport refuses
    /// POST and DELETE before anything is sent; the writer's sends them.
    #[test]
    fn the_read_transport_refuses_writes_before_sending() {
        let sim = stripe_sim::StripeSim::start();
        let read = client(&sim, sim_test_key());
        let rt = runtime();
        for method in [Method::Post, Method::Delete] {
            let r = rt.block_on(read.transport().raw(method, "/customers", None, None, None));
            assert!(matches!(r, Err(Error::ReadOnly(_))), "{r:?}");
        }
        let create = stripe_core::customer::CreateCustomer::new();
        let typed = rt.block_on(create.send(read.transport()));
        assert!(matches!(typed, Err(Error::ReadOnly(_))));
        assert!(sim.requests().is_empty(), "{:?}", sim.requests().len());
        let writer = Writer::unlock(&read, false).unwrap();
        let r = rt.block_on(writer.send_raw(Method::Post, "/customers", None, Some("k1")));
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(sim.requests().len(), 1);
    }
}
