//! The `--config` file through the built binary: precedence (flag > `SSH_RESUME_*` >
//! file > default) as `ssh-resume config` prints it, unknown keys rejected with line and
//! column, and `serve` running with the file's settings.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{manifest_path, stderr_lines, temp_dir, wait_for_line};

const BIN: &str = env!("CARGO_BIN_EXE_ssh-resume");

/// The binary with no `SSH_RESUME_*` variable from the test's own environment.
fn ssh_resume() -> Command {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SSH_RESUME_") {
            command.env_remove(name);
        }
    }
    command
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The line `key = …` of the printed configuration.
fn line<'a>(printed: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key} = ");
    printed.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no {key} in\n{printed}"))
}

#[test]
fn flags_beat_variables_beat_the_file_beats_the_defaults() {
    let dir = temp_dir("config-precedence");
    let file = write(
        &dir,
        "server.toml",
        "max-per-ip = 7\nmax-connections = 50\nmax-startups-per-ip = 9\nlisten = [\"127.0.0.1:2022\"]\n",
    );
    let output = ssh_resume()
        .args(["config", "--config"])
        .arg(&file)
        .args(["--max-per-ip", "8"])
        .env("SSH_RESUME_MAX_PER_IP", "70")
        .env("SSH_RESUME_MAX_CONNECTIONS", "60")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    let origin = file.display().to_string();
    assert_eq!(line(&printed, "max-per-ip"), "max-per-ip = 8  # command line");
    assert_eq!(line(&printed, "max-connections"), "max-connections = 60  # SSH_RESUME_MAX_CONNECTIONS");
    assert_eq!(line(&printed, "max-startups-per-ip"), format!("max-startups-per-ip = 9  # {origin}"));
    assert_eq!(line(&printed, "listen"), format!("listen = [\"127.0.0.1:2022\"]  # {origin}"));
    assert_eq!(line(&printed, "rate-per-ip"), "rate-per-ip = \"600/1m\"  # default");
    assert!(printed.contains("\n# public-host: not set\n"), "{printed}");

    // What it printed is a configuration file that gives the same settings.
    let printed_file = write(&dir, "printed.toml", &printed);
    let again = ssh_resume().args(["config", "--config"]).arg(&printed_file).output().unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    let values = |text: &str| -> Vec<String> {
        text.lines().map(|l| l.split("  #").next().unwrap_or_default().to_owned()).collect()
    };
    assert_eq!(values(&stdout(&again)), values(&printed));
}

#[test]
fn unknown_keys_are_rejected_with_line_and_column() {
    let dir = temp_dir("config-unknown");
    let file = write(&dir, "server.toml", "max-per-ip = 7\n  max-per-ipp = 8\n");
    let output = ssh_resume().args(["serve", "--config"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output);
    let expected = format!("error: {}:2:3: unknown key `max-per-ipp`", file.display());
    assert!(said.starts_with(&expected), "{said}");
    assert!(said.contains("2 |   max-per-ipp = 8\n  |   ^\n"), "{said}");
    assert!(said.contains("ssh-resume config --config"), "{said}");
}

#[test]
fn config_exits_2_when_the_settings_do_not_fit_together() {
    let dir = temp_dir("config-inconsistent");
    let file = write(&dir, "server.toml", "proxy-protocol = true\n");
    let output = ssh_resume().args(["config", "--config"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("proxy-protocol = true"), "{}", stdout(&output));
    assert!(stderr(&output).contains("add --trusted-proxy CIDR"), "{}", stderr(&output));
}

#[test]
fn serve_runs_with_the_file() {
    let dir = temp_dir("config-serve");
    let text = format!(
        "listen = \"127.0.0.1:0\"\nresume = {:?}\nkeys-dir = {:?}\nmax-per-ip = 7\nlog-format = \"pretty\"\n\
         proxy-protocol = true\ntrusted-proxy = [\"10.0.0.0/8\", \"127.0.0.1\"]\n",
        manifest_path("resume.toml"),
        dir.join("keys"),
    );
    let file = write(&dir, "server.toml", &text);
    let mut child = ssh_resume()
        .args(["serve", "--config"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let started = wait_for_line(&lines, "ssh-resume started");
    let _ = child.kill();
    let _ = child.wait();
    assert!(started.contains("max_per_ip=7"), "{started}");
    assert!(started.contains("trusted_proxies=\"10.0.0.0/8,127.0.0.1/32\""), "{started}");
    assert!(started.contains(&format!("config=\"{}\"", file.display())), "{started}");
}
