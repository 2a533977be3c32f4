//! Timing and peak memory of child processes, medians, and the machine description.
//!
//! A command is measured through `xtask bench exec PROGRAM ARGS...`: that helper process starts
//! the command, times it from spawn to exit, then reads `getrusage(RUSAGE_CHILDREN)`, whose
//! `ru_maxrss` is the peak resident set of the only child it ever had. The measuring process
//! itself stays out of the figures, and no unsafe code is needed (the workspace forbids it).

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One measured run of a command.
#[derive(Debug, Clone)]
pub struct Run {
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Peak resident set size of the command, KiB.
    pub maxrss_kib: u64,
    /// User + system CPU time of the command.
    pub cpu: Duration,
    /// Whether it exited with status 0.
    pub ok: bool,
    /// Its stdout and stderr (for error reports).
    pub output: String,
}

const RESULT_PREFIX: &str = "bench-exec-result:";

/// `xtask bench exec PROGRAM ARGS...`: runs the command with piped output, then prints its
/// output followed by one result line on stderr. Returns the command's exit code.
pub fn exec_main(args: &[String]) -> i32 {
    let Some((program, rest)) = args.split_first() else {
        eprintln!("usage: xtask bench exec PROGRAM [ARGS...]");
        return 2;
    };
    let start = Instant::now();
    let out = Command::new(program).args(rest).stdin(Stdio::null()).output();
    let wall = start.elapsed();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: cannot run `{program}`: {e}");
            return 2;
        }
    };
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).ok();
    let maxrss = usage.map_or(0, |u| u.max_rss());
    let micros = |t: nix::sys::time::TimeVal| t.tv_sec() as i128 * 1_000_000 + t.tv_usec() as i128;
    let cpu_us = usage.map_or(0, |u| micros(u.user_time()) + micros(u.system_time()));
    let _ = io::stdout().write_all(&out.stdout);
    let mut err = io::stderr();
    let _ = err.write_all(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    let _ = writeln!(err, "\n{RESULT_PREFIX} wall_ns={} cpu_us={cpu_us} maxrss_kib={maxrss} code={code}", wall.as_nanos());
    if code == 0 {
        0
    } else {
        1
    }
}

/// Runs `program args` through the `exec` helper of the `xtask` binary at `helper`.
pub fn measured(helper: &Path, program: &Path, args: &[OsString], cwd: &Path) -> io::Result<Run> {
    let out = Command::new(helper).arg("bench").arg("exec").arg(program).args(args).current_dir(cwd).stdin(Stdio::null()).output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (body, result) = match stderr.rfind(RESULT_PREFIX) {
        Some(i) => (&stderr[..i], &stderr[i + RESULT_PREFIX.len()..]),
        None => return Err(io::Error::other(format!("the exec helper printed no result: {stderr}"))),
    };
    let field = |name: &str| -> u64 {
        result.split_whitespace().find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('='))).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    let code = result.split_whitespace().find_map(|kv| kv.strip_prefix("code=")).unwrap_or("-1");
    Ok(Run {
        wall: Duration::from_nanos(field("wall_ns")),
        maxrss_kib: field("maxrss_kib"),
        cpu: Duration::from_micros(field("cpu_us")),
        ok: code == "0",
        output: format!("{}{}", String::from_utf8_lossy(&out.stdout), body.trim_end()),
    })
}

/// Runs a command to completion, timing it; output is captured and returned on failure.
pub fn timed(cmd: &mut Command) -> io::Result<Duration> {
    let start = Instant::now();
    let out = cmd.stdin(Stdio::null()).output()?;
    let wall = start.elapsed();
    if out.status.success() {
        Ok(wall)
    } else {
        Err(io::Error::other(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            tail(&String::from_utf8_lossy(&out.stdout), 20),
            tail(&String::from_utf8_lossy(&out.stderr), 40)
        )))
    }
}

/// Runs a command and returns its stdout; fails with its output when it fails.
pub fn stdout_of(cmd: &mut Command) -> io::Result<String> {
    let out = cmd.stdin(Stdio::null()).output()?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(io::Error::other(format!("{cmd:?} failed ({}):\n{}", out.status, tail(&String::from_utf8_lossy(&out.stderr), 40))))
    }
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut s = lines[lines.len().saturating_sub(n)..].join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

/// The median of some values (the mean of the two middle ones for an even count); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Median of durations, in seconds.
pub fn median_secs(values: &[Duration]) -> f64 {
    median(&values.iter().map(Duration::as_secs_f64).collect::<Vec<_>>())
}

/// What the figures were measured on.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub nproc: usize,
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// MemTotal from /proc/meminfo, GiB.
    pub mem_gib: f64,
    /// `rustc -V`.
    pub rustc: String,
    /// Kernel release.
    pub kernel: String,
    /// /proc/loadavg when the run started.
    pub loadavg: String,
}

impl Machine {
    /// Reads the description of this machine.
    pub fn detect() -> Self {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, v)| v.trim().to_string()))
            .unwrap_or_else(|| "unknown".into());
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        let rustc = Command::new("rustc").arg("-V").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
        Machine {
            nproc: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            cpu,
            mem_gib: mem_kib / 1024.0 / 1024.0,
            rustc,
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string(),
            loadavg: fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn tails() {
        assert_eq!(tail("a\nb\nc", 2), "b\nc\n");
        assert_eq!(tail("", 2), "");
    }
}
