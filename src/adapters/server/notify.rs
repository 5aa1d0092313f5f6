//! systemd's notify protocol (sd_notify(3)) for the services on the server core, run as
//! `Type=notify` units: `READY=1` once the accept loop runs, `RELOADING=1` (with
//! `MONOTONIC_USEC=`, which `Type=notify-reload` on systemd 253+ requires) then `READY=1`
//! around a SIGHUP reload, `STOPPING=1` when the drain starts, and `WATCHDOG=1` from the accept
//! loop every half of `WATCHDOG_USEC` (never more often than every 50 ms). Without `NOTIFY_SOCKET` nothing is sent, and a manager
//! that does not listen never fails the service: a notification is best effort, as in libsystemd.
//!
//! `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` are taken out of the environment at the
//! process's first step, as `sd_notify(unset_environment=1)` does, so that nothing billctl
//! starts inherits them. The datagrams go to the socket taken then, a path or an abstract name
//! (`@name`, which sd-notify's `notify`, re-reading the environment, would take for a path).

use sd_notify::NotifyState;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::OnceLock;
use std::time::Duration;

const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";
const WATCHDOG_USEC: &str = "WATCHDOG_USEC";
const WATCHDOG_PID: &str = "WATCHDOG_PID";

/// The service manager this process was started by, when it asked to be told.
struct Manager {
    socket: SocketAddr,
    /// `WATCHDOG_USEC`, when it is meant for this process (`WATCHDOG_PID` unset or ours).
    watchdog: Option<Duration>,
}

static MANAGER: OnceLock<Option<Manager>> = OnceLock::new();

/// Takes the notify socket and the watchdog interval out of the environment, for the rest of
/// the process. Call it first thing in `main`, before any thread exists: removing a variable
/// is sound only then (no other thread can be reading the environment).
pub fn take_from_env() {
    let watchdog = sd_notify::watchdog_enabled().filter(|d| !d.is_zero());
    let socket = std::env::var_os(NOTIFY_SOCKET).and_then(|s| address(&s));
    for name in [NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID] {
        std::env::remove_var(name);
    }
    let _ = MANAGER.set(socket.map(|socket| Manager { socket, watchdog }));
}

/// `NOTIFY_SOCKET`'s address: an absolute path, or `@name` for an abstract socket (Linux);
/// anything else is not a socket systemd gives (sd_notify refuses it too).
fn address(value: &std::ffi::OsStr) -> Option<SocketAddr> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = value.as_bytes();
    match bytes.first()? {
        b'/' => SocketAddr::from_pathname(value).ok(),
        #[cfg(any(target_os = "linux", target_os = "android"))]
        b'@' => {
            #[cfg(target_os = "android")]
            use std::os::android::net::SocketAddrExt;
            #[cfg(target_os = "linux")]
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(&bytes[1..]).ok()
        }
        _ => None,
    }
}

/// Sends `states` in one datagram, if a manager listens.
fn send(states: &[NotifyState]) {
    let Some(Some(m)) = MANAGER.get() else {
        return;
    };
    let text: String = states.iter().map(|s| format!("{s}\n")).collect();
    // Best effort: a manager gone (or a full queue) costs the service nothing.
    let _ = UnixDatagram::unbound().and_then(|d| d.send_to_addr(text.as_bytes(), &m.socket));
}

/// `READY=1`, with a status line for `systemctl status` (where it listens, which config).
pub fn ready(status: &str) {
    // One line: a line break in it would start another assignment.
    let status = status.replace(['\n', '\r'], " ");
    if status.is_empty() {
        send(&[NotifyState::Ready]);
    } else {
        send(&[NotifyState::Ready, NotifyState::Status(&status)]);
    }
}

/// `RELOADING=1` and `MONOTONIC_USEC=` (the clock systemd 253+ checks the reload against).
pub fn reloading() {
    match NotifyState::monotonic_usec_now() {
        Ok(now) => send(&[NotifyState::Reloading, now]),
        Err(_) => send(&[NotifyState::Reloading]),
    }
}

/// `READY=1` after a reload.
pub fn reloaded() {
    send(&[NotifyState::Ready]);
}

/// `STOPPING=1`: the drain has begun.
pub fn stopping() {
    send(&[NotifyState::Stopping]);
}

/// The shortest time between two `WATCHDOG=1` pings: 50 ms, at most 20 datagrams a second.
/// Half of `WATCHDOG_USEC` is the rule (sd_watchdog_enabled(3)), but a tiny value
/// (`WATCHDOG_USEC=1`, a typo of `WatchdogSec=`) would make the accept loop send a datagram
/// per wakeup, thousands a second. A service whose watchdog is under 100 ms would be killed by
/// scheduling delays alone on a loaded host, so nothing a real unit needs is lost.
pub const MIN_PING: Duration = Duration::from_millis(50);

/// How often to ping under a watchdog of `watchdog`: half of it, and never more often than
/// [`MIN_PING`].
pub fn ping_every(watchdog: Duration) -> Duration {
    (watchdog / 2).max(MIN_PING)
}

/// The accept loop's watchdog: a tick every half of `WATCHDOG_USEC` that sends `WATCHDOG=1`,
/// or, without a watchdog, a tick that never comes. Polled beside `accept()` (and the drain),
/// so a ping proves that the accept loop itself still runs on a live runtime.
pub struct Watchdog(Option<tokio::time::Interval>);

impl Watchdog {
    /// Call inside the runtime.
    pub fn start() -> Watchdog {
        let every = match MANAGER.get() {
            Some(Some(Manager {
                watchdog: Some(d), ..
            })) => Some(ping_every(*d)),
            _ => None,
        };
        Watchdog(every.map(|d| {
            let mut i = tokio::time::interval(d);
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            i
        }))
    }

    /// Waits for the next tick and pings; never resolves without a watchdog.
    pub async fn tick(&mut self) {
        match &mut self.0 {
            Some(i) => {
                i.tick().await;
                send(&[NotifyState::Watchdog]);
            }
            None => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Half of `WATCHDOG_USEC`, down to the floor (a hostile review: `WATCHDOG_USEC=1` sent
    /// about a thousand pings a second).
    #[test]
    fn the_ping_interval_is_half_the_watchdog_and_never_below_the_floor() {
        let us = Duration::from_micros;
        for (watchdog, every) in [
            (us(1), MIN_PING),
            (us(1_000), MIN_PING),
            (us(99_999), MIN_PING),
            (us(100_000), Duration::from_millis(50)),
            (us(200_000), Duration::from_millis(100)),
            (Duration::from_secs(30), Duration::from_secs(15)),
        ] {
            assert_eq!(ping_every(watchdog), every, "{watchdog:?}");
        }
        assert_eq!(MIN_PING, Duration::from_millis(50));
    }

    #[test]
    fn an_address_is_an_absolute_path_or_an_abstract_name() {
        let path = address("/run/systemd/notify".as_ref()).unwrap();
        assert_eq!(
            path.as_pathname(),
            Some(std::path::Path::new("/run/systemd/notify"))
        );
        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let abs = address("@billctl/notify".as_ref()).unwrap();
            assert_eq!(abs.as_abstract_name(), Some(&b"billctl/notify"[..]));
            assert_eq!(abs.as_pathname(), None);
        }
        for bad in ["", "run/notify", "notify"] {
            assert!(address(bad.as_ref()).is_none(), "{bad:?}");
        }
    }
}
