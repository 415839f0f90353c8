//! What the owner sees: Prometheus metrics after real visits and refusals, and the
//! health endpoints through a shutdown drain.

use crate::common;

use std::net::IpAddr;
use std::time::Duration;

use crate::common::{
    Launch, ServiceSettings, TestServer, Visit, Visitor, connect_tcp_from, http_get, temp_dir,
};
use ssh_resume::admission::limits::Limits;

/// The value of the sample line starting with `series`, or 0 when absent.
fn sample(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_a_scripted_visit_and_a_refusal() {
    // --rate-per-ip 1/1h, so a second connection from one address is refused
    let limits = Limits { rate_per_ip: "1/1h".parse().unwrap(), ..Limits::default() };
    let service = ServiceSettings { limits, ..Default::default() };
    let server = TestServer::launch(&temp_dir("metrics"), Launch { service, ..Launch::default() }).await;
    let admin = server.start_admin().await;

    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer focused").await;
    visitor.send(b"3").await;
    visitor.wait_for_text("Together.ai").await;
    visitor.send(b"7").await;
    visitor.wait_for_text("Languages & Frameworks").await;
    visitor.send(b"q").await;
    visitor.read_to_end().await;
    drop(visitor);
    server.wait_until_no_connections().await;

    let mut refused = connect_tcp_from(server.addr, IpAddr::from([127, 0, 0, 1])).await.unwrap();
    common::read_until_closed(&mut refused).await;

    let (status, metrics) = http_get(admin, "/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(sample(&metrics, "ssh_resume_sessions_ended_total{reason=\"quit\"}"), 1.0, "{metrics}");
    assert_eq!(sample(&metrics, "ssh_resume_sessions_active"), 0.0);
    for section in ["about", "experience", "skills"] {
        let series = format!("ssh_resume_section_views_total{{section=\"{section}\"}}");
        assert_eq!(sample(&metrics, &series), 1.0, "{series} in\n{metrics}");
    }
    assert_eq!(sample(&metrics, "ssh_resume_section_views_total{section=\"education\"}"), 0.0);
    assert_eq!(sample(&metrics, "ssh_resume_first_frame_seconds_count"), 1.0);
    assert!(sample(&metrics, "ssh_resume_first_frame_seconds_sum") > 0.0);
    assert_eq!(sample(&metrics, "ssh_resume_exec_commands_total{command=\"shell\"}"), 1.0);
    assert_eq!(sample(&metrics, "ssh_resume_connections_refused_total{reason=\"rate-per-ip\"}"), 1.0);
    assert!(sample(&metrics, "ssh_resume_sent_bytes_total") > 1000.0);
    assert_eq!(sample(&metrics, "ssh_resume_handshake_seconds_count"), 1.0);
    server.stop().await;
}

#[tokio::test]
async fn readyz_turns_unready_during_the_drain() {
    // --drain-timeout 2s, with a visitor open so the drain lasts
    let service = ServiceSettings { drain_timeout: Duration::from_secs(2), ..Default::default() };
    let server = TestServer::launch(&temp_dir("readyz"), Launch { service, ..Launch::default() }).await;
    let admin = server.start_admin().await;
    assert_eq!(http_get(admin, "/healthz").await, (200, "ok\n".to_owned()));
    assert_eq!(http_get(admin, "/readyz").await, (200, "ready\n".to_owned()));

    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("Staff Software Engineer").await;
    server.shutdown.cancel();
    assert_eq!(http_get(admin, "/readyz").await, (503, "draining\n".to_owned()));
    assert_eq!(http_get(admin, "/healthz").await.0, 200, "alive while draining");
    visitor.read_to_end().await;
    assert!(visitor.contents().contains("restarting"));
    server.stop().await;
}
