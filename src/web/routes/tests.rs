//! Tests of `routes`.

use super::*;

#[test]
fn validators_match_weakly_and_dates_by_the_second() {
    let etag = HeaderValue::from_static("W/\"abc\"");
    let modified = httpdate::parse_http_date("Tue, 01 Jul 2025 10:00:00 GMT").unwrap();
    let request = |name: HeaderName, value: &'static str| {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    };
    let modified = Some(modified);
    assert!(is_current(&request(header::IF_NONE_MATCH, "\"abc\""), &etag, modified));
    assert!(is_current(&request(header::IF_NONE_MATCH, "W/\"x\", W/\"abc\""), &etag, modified));
    assert!(is_current(&request(header::IF_NONE_MATCH, "*"), &etag, modified));
    assert!(!is_current(&request(header::IF_NONE_MATCH, "W/\"abd\""), &etag, modified));
    let since = |date| request(header::IF_MODIFIED_SINCE, date);
    assert!(is_current(&since("Tue, 01 Jul 2025 10:00:00 GMT"), &etag, modified));
    assert!(!is_current(&since("Tue, 01 Jul 2025 09:59:59 GMT"), &etag, modified));
    assert!(!is_current(&since("yesterday"), &etag, modified));
    assert!(!is_current(&HeaderMap::new(), &etag, modified));
    assert!(!is_current(&since("Tue, 01 Jul 2025 10:00:00 GMT"), &etag, None));
}

#[test]
fn hosts_are_taken_only_when_plain() {
    let host = |value: &'static str| {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static(value));
        request_host(&headers).map(str::to_owned)
    };
    assert_eq!(host("resume.example.com").as_deref(), Some("resume.example.com"));
    assert_eq!(host("[2001:db8::1]:8080").as_deref(), Some("[2001:db8::1]:8080"));
    assert_eq!(host("evil.example/<script>"), None);
    assert_eq!(host("a b"), None);
    assert_eq!(host_name("resume.example.com:8080"), "resume.example.com");
    assert_eq!(host_name("[2001:db8::1]:8080"), "2001:db8::1");
    assert_eq!(host_name("192.0.2.1"), "192.0.2.1");
}

#[test]
fn flags_are_query_keys() {
    assert!(has_flag(Some("nocolor"), "nocolor"));
    assert!(has_flag(Some("a=1&nocolor=yes"), "nocolor"));
    assert!(!has_flag(Some("colour=nocolor"), "nocolor"));
    assert!(!has_flag(None, "nocolor"));
}
