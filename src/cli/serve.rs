//! `ssh-resume serve`: binds the listeners, opens the store (for messages and visit
//! insights), starts the SSH server, the web view, the admin listener and the insights'
//! flusher, logs the startup line, and handles SIGTERM/SIGINT (drain, then the last
//! insights flush) and SIGHUP (reload the résumé).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::info;

use super::serve_args::ServeArgs;
use super::{ConfigError, load_resume_with};
use crate::downloads::edition::PdfMaker;
use crate::insights::{FLUSH_INTERVAL, Insights};
use crate::messages::notify::NotifySettings;
use crate::resume::{Loaded, ReadOptions};
use crate::server::owner::{self, Owner};
use crate::server::{self, Settings, keys};
use crate::service::{Parts, Publisher, Service};
use crate::store;
use crate::web;

pub(super) fn serve(args: ServeArgs) -> Result<ExitCode> {
    let settings = args.settings()?;
    let reading = ReadOptions { strict: false, language: args.resume_language.clone() };
    let loaded = load_resume_with(&args.resume, &reading)?;
    let pdf = args.pdf.maker()?;
    let downloads = pdf.directory(&loaded, modified(&args.resume));
    let host_key = keys::load_or_create(&args.keys_dir).map_err(ConfigError::from)?;
    let fingerprint = host_key.fingerprint();
    if host_key.created {
        info!(path = %host_key.path.display(), %fingerprint, "created a new host key");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listeners = bind_all(&args.listen).await?;
        let admin = match args.metrics_listen {
            Some(addr) => Some(bind(addr).with_context(|| format!("cannot listen on {addr} for metrics"))?),
            None => None,
        };
        let http = match args.http_listen {
            Some(addr) => {
                Some(bind(addr).with_context(|| format!("cannot listen on {addr} for the web view"))?)
            }
            None => None,
        };
        let web_settings = args.web_settings(&fingerprint, &listeners);
        let store = open_store(&args).await?;
        let parts = Parts {
            insights: store.clone().filter(|_| args.insights),
            mailbox: store
                .filter(|_| args.messages.messages)
                .map(|store| (store, args.messages.mailbox_settings())),
            notify: args
                .messages
                .notify_webhook
                .clone()
                .map(|url| NotifySettings::new(url, args.messages.notify_format)),
        };
        let shutdown = CancellationToken::new();
        let (publisher, published) = Publisher::new(Arc::new(loaded), downloads);
        let service = Service::start(args.service_settings(), published, shutdown.clone(), parts);
        log_start(&args, &listeners, admin.as_ref(), &fingerprint, &service, &settings);
        log_warnings(&args.resume, &service.current_resume());
        let shared = server::Shared::new(settings, service.clone(), host_key.key);
        let insights = service.insights.clone();
        tokio::spawn(insights.clone().run_flusher(FLUSH_INTERVAL, shutdown.child_token()));
        tokio::spawn(stop_on_signal(shutdown.clone()));
        let reload = Reload {
            resume: args.resume.clone(),
            reading,
            publisher,
            pdf,
            owner_keys: args.owner.owner_key.clone().map(|path| (path, shared.owner.clone())),
        };
        tokio::spawn(reload_on_hangup(reload, shutdown));
        let stop_admin = CancellationToken::new();
        if let Some(listener) = admin {
            tokio::spawn(server::admin::serve(listener, shared.clone(), stop_admin.clone()));
        }
        let web = http.map(|listener| tokio::spawn(web::serve(listener, service.clone(), web_settings)));
        server::run(listeners, shared).await;
        if let Some(web) = web {
            let _ = web.await;
        }
        last_flush(&insights, args.messages.message_timeout).await;
        stop_admin.cancel();
        info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// The store, when messages or insights are on; it is checked once, and a store that is
/// not usable yet is logged and retried by each message and flush (the résumé is served
/// anyway).
async fn open_store(args: &ServeArgs) -> Result<Option<Arc<dyn store::Store>>> {
    let messages = &args.messages;
    if !messages.messages && !args.insights {
        return Ok(None);
    }
    let store =
        store::open(&messages.store.location(), messages.message_timeout).map_err(ConfigError::from)?;
    match tokio::time::timeout(messages.message_timeout * 5, store.count()).await {
        Ok(Ok(count)) => info!(store = store.describe(), messages = count, "store ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "the store is not usable yet; messages and insights fail until it is")
        }
        Err(_) => tracing::warn!(
            store = store.describe(),
            "the store did not answer; messages and insights fail until it does"
        ),
    }
    Ok(Some(store))
}

/// Writes the insights counted since the last flush, once every visit has ended.
async fn last_flush(insights: &Insights, timeout: std::time::Duration) {
    match tokio::time::timeout(timeout * 5, insights.flush()).await {
        Ok(Ok(rows)) => info!(rows, "insights: the last counts are stored"),
        Ok(Err(err)) => tracing::warn!(error = %err, "insights: the last counts could not be stored"),
        Err(_) => tracing::warn!("insights: the store did not take the last counts in time"),
    }
}

/// The one line that says what started: version, addresses, key, résumé, limits.
fn log_start(
    args: &ServeArgs,
    listeners: &[TcpListener],
    admin: Option<&TcpListener>,
    fingerprint: &str,
    service: &Service,
    settings: &Settings,
) {
    let addrs: Vec<String> =
        listeners.iter().filter_map(|l| l.local_addr().ok()).map(|a| a.to_string()).collect();
    let loaded = service.current_resume();
    let limits = &service.settings.limits;
    info!(
        version = env!("CARGO_PKG_VERSION"),
        listen = %addrs.join(","),
        metrics = admin.and_then(|l| l.local_addr().ok()).map(|a| a.to_string()),
        fingerprint,
        resume = %args.resume.display(),
        config = args.config.as_ref().map(|path| path.display().to_string()),
        sections = loaded.outline.sections.len(),
        roles = loaded.resume.work.len(),
        max_connections = limits.max_connections,
        max_per_ip = limits.max_per_ip,
        max_startups_per_ip = limits.max_startups_per_ip,
        rate_per_ip = %limits.rate_per_ip,
        login_timeout = %humantime::format_duration(settings.login_timeout),
        idle_timeout = %humantime::format_duration(settings.idle_timeout),
        max_session = %humantime::format_duration(settings.max_session),
        drain_timeout = %humantime::format_duration(service.settings.drain_timeout),
        log_peers = ?service.settings.log_peers,
        messages = service.mailbox.as_ref().map_or("off".to_owned(), |m| m.store().describe()),
        insights = service.insights.is_on(),
        owner_keys = settings.owner_keys.len(),
        web_messages = args.messages.web_messages,
        notify_webhook = args.messages.notify_webhook.is_some(),
        trusted_proxies = settings.proxy_protocol.as_ref().map(|p| join(&p.trusted)),
        "ssh-resume started"
    );
}

/// What the résumé holds but the views do not show, one line each.
fn log_warnings(path: &Path, loaded: &Loaded) {
    for warning in &loaded.warnings {
        tracing::warn!(resume = %path.display(), "{warning}");
    }
}

fn join(items: &[impl std::fmt::Display]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

/// Binds every address; IPv6 sockets are IPv6-only so `0.0.0.0` and `[::]` can share a port.
pub async fn bind_all(addrs: &[SocketAddr]) -> Result<Vec<TcpListener>> {
    let mut listeners = Vec::with_capacity(addrs.len());
    for addr in addrs {
        let listener = bind(*addr).with_context(|| format!("cannot listen on {addr}"))?;
        info!(addr = %listener.local_addr()?, "listening on {}", listener.local_addr()?);
        listeners.push(listener);
    }
    Ok(listeners)
}

pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    TcpListener::from_std(socket.into())
}

/// When the résumé file was last changed: the date of its downloads (now, when the file
/// system cannot say).
fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).and_then(|meta| meta.modified()).unwrap_or_else(|_| std::time::SystemTime::now())
}

/// What SIGHUP reloads.
struct Reload {
    resume: PathBuf,
    /// How the résumé is read (the language to show, for a JSON Resume file).
    reading: ReadOptions,
    /// Puts each new version and its downloads in service.
    publisher: Publisher,
    /// Typesets each version's PDF.
    pdf: PdfMaker,
    /// The owner's keys file and the keys it replaces, when one was given.
    owner_keys: Option<(PathBuf, Arc<Owner>)>,
}

/// The one SIGHUP task: each hangup re-reads the résumé and the owner's keys, off the
/// async threads. A valid résumé serves every new session from then on; an invalid one
/// is logged with its line and column and the old résumé stays in service. The owner's
/// keys likewise: a valid file replaces them, an invalid one is logged and the old
/// keys stay.
async fn reload_on_hangup(reload: Reload, shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangup) = signal(SignalKind::hangup()) else {
        tracing::error!("cannot listen for SIGHUP; reloading is unavailable");
        return;
    };
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = hangup.recv() => {}
        }
        reload_resume(&reload).await;
        if let Some((path, owner)) = &reload.owner_keys {
            reload_owner_keys(path, owner).await;
        }
    }
}

/// Reads the résumé again and typesets its PDF, off the async threads; a valid one is
/// published with its downloads.
async fn reload_resume(reload: &Reload) {
    let path = &reload.resume;
    let (at, options, pdf) = (path.clone(), reload.reading.clone(), reload.pdf.clone());
    let made = tokio::task::spawn_blocking(move || {
        let loaded = Loaded::from_path_with(&at, &options)?;
        let downloads = pdf.directory(&loaded, modified(&at));
        Ok::<_, crate::resume::LoadError>((loaded, downloads))
    });
    match made.await {
        Ok(Ok((loaded, downloads))) => {
            log_warnings(path, &loaded);
            let sections = loaded.outline.sections.len();
            let pdf = downloads.get(crate::downloads::files::FileName::Pdf).is_some();
            reload.publisher.publish(Arc::new(loaded), downloads);
            info!(resume = %path.display(), sections, pdf, "SIGHUP: reloaded the résumé");
        }
        Ok(Err(err)) => {
            tracing::error!("SIGHUP: keeping the résumé in service; the new one is invalid: {err}")
        }
        Err(err) => tracing::error!("SIGHUP: reload failed: {err}"),
    }
}

async fn reload_owner_keys(path: &Path, owner: &Owner) {
    let reading = path.to_owned();
    match tokio::task::spawn_blocking(move || owner::load(&reading)).await {
        Ok(Ok(keys)) => {
            let count = keys.len();
            owner.replace(keys);
            info!(path = %path.display(), keys = count, "SIGHUP: reloaded the owner's keys");
        }
        Ok(Err(err)) => tracing::error!("SIGHUP: keeping the owner's keys; {err}"),
        Err(err) => tracing::error!("SIGHUP: reloading the owner's keys failed: {err}"),
    }
}

async fn stop_on_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    else {
        tracing::error!("cannot listen for SIGTERM/SIGINT; stop the server with SIGKILL");
        return;
    };
    tokio::select! {
        _ = term.recv() => info!("SIGTERM: shutting down"),
        _ = int.recv() => info!("SIGINT: shutting down"),
    }
    shutdown.cancel();
}
