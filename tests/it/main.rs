//! Every end-to-end test, in one test binary (as ripgrep does): one link of the whole
//! dependency tree instead of one per file. Each module is one area of behaviour; the
//! harness they share is [`common`].

mod common;

mod arrival;
mod config;
mod deploy;
mod downloads;
mod e2e;
mod e2e_view;
mod haproxy;
mod hostile_input;
mod insights;
mod json_reading;
mod json_resume;
mod json_view;
mod limits;
mod logs;
mod message_faults;
mod messages;
mod messages_web;
mod notify;
mod observability;
mod openssh;
mod owner;
mod proxy_protocol;
mod resume_source;
mod share_card;
mod signals;
mod stats;
mod store_suite;
mod terminal_talks_back;
mod timers;
mod typed_input;
mod view_snapshots;
mod web;
mod web_browser;
