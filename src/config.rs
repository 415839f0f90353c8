//! The optional server configuration file (`--config PATH`, TOML). Every `serve` flag can
//! be set in it under the flag's own name: `max-per-ip = 100`, `login-timeout = "10s"`,
//! `listen = ["0.0.0.0:22", "[::]:22"]`. Precedence: flags, then `SSH_RESUME_*`
//! variables, then the file, then the built-in defaults.
//!
//! The file is layered under clap instead of being merged field by field: each value is
//! checked by the flag's own parser (so a mistake names the file's line and column) and
//! then becomes that flag's default, and clap applies its usual order: command line over
//! environment over default. [`ArgMatches::value_source`] then tells [`effective`] where
//! each value came from. A flag added to `ServeArgs` is settable here with no code in this
//! module. This module imports nothing of ours but [`crate::diagnostic`].

use std::any::TypeId;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Value};

use crate::diagnostic::Located;

/// Flags that are not settings: the file's own location, and clap's.
const NOT_SETTINGS: [&str; 3] = ["config", "help", "version"];

/// Why a configuration file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("{path}: cannot read the configuration file: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{located}\nfix it, then check with `ssh-resume config --config {origin}`", located = .0, origin = .0.origin)]
    Invalid(Box<Located>),
}

/// What a configuration file sets: flag ids and their values, each checked by its flag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileValues {
    /// The file, as given.
    pub origin: String,
    values: Vec<(String, Vec<String>)>,
}

impl FileValues {
    /// Whether the file sets the flag `id`.
    pub fn sets(&self, id: &str) -> bool {
        self.values.iter().any(|(set, _)| set == id)
    }

    /// The values the file gives the flag `id`.
    pub fn get(&self, id: &str) -> Option<&[String]> {
        self.values.iter().find(|(set, _)| set == id).map(|(_, values)| values.as_slice())
    }
}

/// The flags of `command` a file may set, in `--help` order.
fn settings(command: &Command) -> impl Iterator<Item = &Arg> {
    command
        .get_arguments()
        .filter(|arg| arg.get_long().is_some() && !NOT_SETTINGS.contains(&arg.get_id().as_str()))
}

/// Reads and checks the file at `path` against the flags of `command` (the built `serve`
/// command, whose flags include the global ones).
pub fn parse(path: &Path, command: &Command) -> Result<FileValues, ConfigFileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ConfigFileError::Read { path: path.to_owned(), source })?;
    parse_str(&text, &path.display().to_string(), command)
}

/// Checks configuration `text`; `origin` names it in errors.
pub fn parse_str(text: &str, origin: &str, command: &Command) -> Result<FileValues, ConfigFileError> {
    let invalid = |offset: usize, message: &str| {
        ConfigFileError::Invalid(Box::new(Located::at(text, origin, offset, message)))
    };
    let table =
        DeTable::parse(text).map_err(|err| invalid(err.span().map_or(0, |s| s.start), err.message()))?;
    let mut entries: Vec<_> = table.get_ref().iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    let mut values = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Some(arg) = settings(command).find(|arg| arg.get_long() == Some(key.get_ref().as_ref())) else {
            return Err(invalid(key.span().start, &unknown_key(key.get_ref(), command)));
        };
        let strings = strings(arg, value).map_err(|(offset, message)| invalid(offset, &message))?;
        for (string, offset) in &strings {
            check(arg, string).map_err(|message| invalid(*offset, &message))?;
        }
        values.push((arg.get_id().to_string(), strings.into_iter().map(|(s, _)| s).collect()));
    }
    Ok(FileValues { origin: origin.to_owned(), values })
}

fn unknown_key(key: &str, command: &Command) -> String {
    let known: Vec<&str> = settings(command).filter_map(Arg::get_long).collect();
    let kebab = key.replace('_', "-");
    if known.contains(&kebab.as_str()) {
        return format!("unknown key `{key}`: write `{kebab}`, as the flag --{kebab} is spelled");
    }
    format!("unknown key `{key}`; the keys are the flags of `ssh-resume serve`: {}", known.join(", "))
}

fn is_list(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append)
}

/// The value(s) of one key as the strings a command line would carry, with where each
/// starts in the file; a flag that takes a list takes a TOML array or one value.
fn strings(arg: &Arg, value: &Spanned<DeValue<'_>>) -> Result<Vec<(String, usize)>, (usize, String)> {
    match value.get_ref() {
        DeValue::Array(items) if is_list(arg) => {
            items.iter().map(|item| scalar(item).map(|s| (s, item.span().start))).collect()
        }
        DeValue::Array(_) => Err((value.span().start, "takes one value, not a list".to_owned())),
        _ => Ok(vec![(scalar(value)?, value.span().start)]),
    }
}

fn scalar(value: &Spanned<DeValue<'_>>) -> Result<String, (usize, String)> {
    let offset = value.span().start;
    match value.get_ref() {
        DeValue::String(text) => Ok(text.to_string()),
        DeValue::Boolean(flag) => Ok(flag.to_string()),
        DeValue::Integer(number) => i128::from_str_radix(number.as_str(), number.radix())
            .map(|n| n.to_string())
            .map_err(|_| (offset, "this number is too large".to_owned())),
        other => Err((
            offset,
            format!("expected a string, a whole number or true/false, found {}", other.type_str()),
        )),
    }
}

/// Runs `value` through the flag's own parser, as if given as `--flag=value`.
fn check(arg: &Arg, value: &str) -> Result<(), String> {
    let long = arg.get_long().unwrap_or_default();
    let alone = Command::new("ssh-resume").no_binary_name(true).disable_help_flag(true).arg(arg.clone());
    alone.try_get_matches_from([format!("--{long}={value}")]).map(drop).map_err(|err| {
        let text = err.to_string();
        let first = text.lines().next().unwrap_or_default();
        first.strip_prefix("error: ").unwrap_or(first).to_owned()
    })
}

/// `command` with the file's values as the defaults of the flags they set, in the
/// command and every subcommand that has them.
pub fn layer(command: Command, file: &FileValues) -> Command {
    file.values.iter().fold(command, |command, (id, values)| with_default(command, id, values))
}

fn with_default(command: Command, id: &str, values: &[String]) -> Command {
    let command = if command.get_arguments().any(|arg| arg.get_id() == id) {
        command.mut_arg(id, |arg| arg.default_values(values.to_vec()))
    } else {
        command
    };
    command.mut_subcommands(|sub| with_default(sub, id, values))
}

/// The configuration in effect as a TOML file: every setting of `command` with its
/// value from `matches`, and where it came from in a comment.
pub fn effective(command: &Command, matches: &ArgMatches, file: Option<&FileValues>) -> String {
    let mut out = String::from(
        "# ssh-resume: the configuration in effect, from the command line, SSH_RESUME_* variables,\n\
         # the --config file and the defaults, in that order. Usable as a --config file.\n",
    );
    for arg in settings(command) {
        let (id, key) = (arg.get_id().as_str(), arg.get_long().unwrap_or_default());
        let raw = matches.try_get_raw(id).ok().flatten();
        let values: Vec<String> =
            raw.into_iter().flatten().map(|v| v.to_string_lossy().into_owned()).collect();
        if values.is_empty() {
            out.push_str(&format!("# {key}: not set\n"));
            continue;
        }
        let source = source(arg, matches, file);
        out.push_str(&format!("{key} = {}  # {source}\n", toml_value(arg, values)));
    }
    out
}

/// Where the value of `arg` came from: the command line, the variable's name, the file's
/// path, or the default.
fn source(arg: &Arg, matches: &ArgMatches, file: Option<&FileValues>) -> String {
    let id = arg.get_id().as_str();
    match (matches.value_source(id), file) {
        (Some(ValueSource::CommandLine), _) => "command line".to_owned(),
        (Some(ValueSource::EnvVariable), _) => {
            arg.get_env().map_or("environment".to_owned(), |name| name.to_string_lossy().into_owned())
        }
        (Some(ValueSource::DefaultValue), Some(file)) if file.sets(id) => file.origin.clone(),
        _ => "default".to_owned(),
    }
}

/// The value as TOML: numbers and booleans bare, everything else a string, lists arrays.
fn toml_value(arg: &Arg, values: Vec<String>) -> Value {
    let parser = arg.get_value_parser().type_id();
    let numeric = [TypeId::of::<u16>(), TypeId::of::<u32>(), TypeId::of::<u64>(), TypeId::of::<usize>()];
    let one = |text: String| {
        if numeric.iter().any(|id| parser == *id)
            && let Ok(number) = text.parse::<i64>()
        {
            Value::Integer(number)
        } else if parser == TypeId::of::<bool>()
            && let Ok(flag) = text.parse::<bool>()
        {
            Value::Boolean(flag)
        } else {
            Value::String(text)
        }
    };
    if is_list(arg) {
        Value::Array(values.into_iter().map(one).collect())
    } else {
        values.into_iter().next().map_or(Value::String(String::new()), one)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// A stand-in for `serve`: a number, a list, a bool, an enum, an optional string.
    #[derive(Debug, clap::Parser)]
    struct Flags {
        #[arg(long, default_value_t = 400)]
        max_per_ip: u32,
        #[arg(long, default_value = "0.0.0.0:2222", value_delimiter = ',')]
        listen: Vec<std::net::SocketAddr>,
        #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true")]
        proxy_protocol: bool,
        #[arg(long, value_parser = ["full", "hashed", "none"], default_value = "hashed")]
        log_peers: String,
        #[arg(long)]
        public_host: Option<String>,
        #[arg(long)]
        config: Option<PathBuf>,
    }

    fn command() -> Command {
        let mut command = Flags::command();
        command.build();
        command
    }

    fn invalid(text: &str) -> Located {
        match parse_str(text, "server.toml", &command()) {
            Err(ConfigFileError::Invalid(located)) => *located,
            other => panic!("expected an invalid file, got {other:?}"),
        }
    }

    #[test]
    fn values_of_every_kind_are_read_as_the_flags_take_them() {
        let text = "max-per-ip = 7\nlisten = [\"127.0.0.1:22\", \"[::1]:22\"]\nproxy-protocol = true\n\
                    log-peers = \"full\"\n";
        let file = parse_str(text, "server.toml", &command()).unwrap();
        assert_eq!(file.get("max_per_ip"), Some(&["7".to_owned()][..]));
        assert_eq!(file.get("listen").unwrap(), ["127.0.0.1:22", "[::1]:22"]);
        assert_eq!(file.get("proxy_protocol").unwrap(), ["true"]);
        assert!(!file.sets("public_host"));
    }

    #[test]
    fn unknown_keys_are_rejected_with_line_and_column() {
        let err = invalid("max-per-ip = 7\n  max-per-ipp = 8\n");
        assert_eq!((err.line, err.column), (2, 3));
        assert!(err.message.starts_with("unknown key `max-per-ipp`; the keys are"), "{}", err.message);
        assert!(err.message.contains("max-per-ip, listen"), "{}", err.message);
        assert_eq!(err.source_line, "  max-per-ipp = 8");
        let snake = invalid("max_per_ip = 7\n");
        assert!(snake.message.contains("write `max-per-ip`"), "{}", snake.message);
        assert!(invalid("config = \"other.toml\"\n").message.starts_with("unknown key `config`"));
        assert_eq!(invalid("[limits]\nmax-per-ip = 1\n").line, 1);
    }

    #[test]
    fn bad_values_are_rejected_where_they_are() {
        let err = invalid("listen = [\"127.0.0.1:22\", \"nowhere\"]\n");
        assert_eq!((err.line, err.column), (1, 27));
        assert!(err.message.contains("invalid value 'nowhere' for '--listen"), "{}", err.message);
        let err = invalid("\nmax-per-ip = \"many\"\n");
        assert_eq!((err.line, err.column), (2, 14));
        assert!(invalid("max-per-ip = -1\n").message.contains("invalid value '-1'"));
        assert!(invalid("log-peers = \"some\"\n").message.contains("invalid value 'some'"));
        assert!(invalid("max-per-ip = [1, 2]\n").message.contains("takes one value"));
        assert!(invalid("max-per-ip = 1.5\n").message.contains("found float"));
        assert!(invalid("max-per-ip = 1\nmax-per-ip = 2\n").message.contains("duplicate key"));
    }

    #[test]
    fn the_file_sits_under_the_command_line_and_over_the_defaults() {
        let file =
            parse_str("max-per-ip = 7\npublic-host = \"file.example\"\n", "server.toml", &command()).unwrap();
        let matches = layer(Flags::command(), &file).get_matches_from(["x", "--public-host", "flag.example"]);
        assert_eq!(matches.get_one::<u32>("max_per_ip"), Some(&7));
        assert_eq!(matches.get_one::<String>("public_host").map(String::as_str), Some("flag.example"));
        let shown = effective(&command(), &matches, Some(&file));
        assert!(shown.contains("\nmax-per-ip = 7  # server.toml\n"), "{shown}");
        assert!(shown.contains("\npublic-host = \"flag.example\"  # command line\n"), "{shown}");
        assert!(shown.contains("\nlisten = [\"0.0.0.0:2222\"]  # default\n"), "{shown}");
        assert!(shown.contains("\nproxy-protocol = false  # default\n"), "{shown}");
        assert!(!shown.lines().any(|line| line.starts_with("config")), "{shown}");
    }

    #[test]
    fn the_printed_configuration_reads_back_as_the_same() {
        let matches = Flags::command().get_matches_from(["x", "--max-per-ip", "3", "--proxy-protocol"]);
        let shown = effective(&command(), &matches, None);
        let file = parse_str(&shown, "effective.toml", &command()).unwrap();
        let again = layer(Flags::command(), &file).get_matches_from(["x"]);
        let shown_again = effective(&command(), &again, Some(&file));
        let without_sources = |text: &str| {
            text.lines().map(|l| l.split("  #").next().unwrap_or_default().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(without_sources(&shown_again), without_sources(&shown));
        assert_eq!(again.get_one::<u32>("max_per_ip"), Some(&3));
        assert_eq!(again.get_one::<bool>("proxy_protocol"), Some(&true));
    }
}
