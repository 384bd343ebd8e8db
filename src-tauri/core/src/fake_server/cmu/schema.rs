//! The names the CMU API speaks: dimensions (path segments, record keys, filter keys) and
//! metrics (record columns), exactly as the reference spells them.

use std::fmt;

/// A CMU dimension: one path segment of a report URL and one key of its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// `tenant`: the CM tenant (programmer) the traffic belongs to.
    Tenant,
    /// `year`, e.g. `"2026"`.
    Year,
    /// `month`, 1–12, not zero padded (`"7"`).
    Month,
    /// `day`, 1–31, not zero padded.
    Day,
    /// `hour`, 0–23 (UTC), not zero padded.
    Hour,
    /// `minute`, 0–59, not zero padded; only under `hour` on the tenant tree.
    Minute,
    /// `mvpd`: the pay-TV provider id (`"Comcast_SSO"`, `"AT&T U-verse"`).
    Mvpd,
    /// `platform`: the device family (`"Roku"`, `"Fire TV"`).
    Platform,
    /// `channel`: the channel sent by the player, `"Unknown"` when none was sent.
    Channel,
    /// `application-id`: the registered CM application id (one per app and platform).
    ApplicationId,
    /// `application`: the application's display name (several ids share one name).
    Application,
    /// `concurrency-level`: histogram bucket (concurrent streams per user).
    ConcurrencyLevel,
    /// `activity-level`: histogram bucket (active days, or hours on a day report, per user).
    ActivityLevel,
}

impl Dimension {
    /// Every dimension the fake knows, in a stable order.
    pub const ALL: [Dimension; 13] = [
        Dimension::Tenant,
        Dimension::Year,
        Dimension::Month,
        Dimension::Day,
        Dimension::Hour,
        Dimension::Minute,
        Dimension::Mvpd,
        Dimension::Platform,
        Dimension::Channel,
        Dimension::ApplicationId,
        Dimension::Application,
        Dimension::ConcurrencyLevel,
        Dimension::ActivityLevel,
    ];

    /// The wire name (`"application-id"`).
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Tenant => "tenant",
            Dimension::Year => "year",
            Dimension::Month => "month",
            Dimension::Day => "day",
            Dimension::Hour => "hour",
            Dimension::Minute => "minute",
            Dimension::Mvpd => "mvpd",
            Dimension::Platform => "platform",
            Dimension::Channel => "channel",
            Dimension::ApplicationId => "application-id",
            Dimension::Application => "application",
            Dimension::ConcurrencyLevel => "concurrency-level",
            Dimension::ActivityLevel => "activity-level",
        }
    }

    /// The dimension with this wire name (exact, case-sensitive like the API).
    pub fn parse(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == name)
    }

    /// A time dimension (`year` … `minute`): filtered only through `start`/`end`.
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Dimension::Year
                | Dimension::Month
                | Dimension::Day
                | Dimension::Hour
                | Dimension::Minute
        )
    }

    /// A histogram bucket dimension (`concurrency-level`, `activity-level`).
    pub fn is_histogram(self) -> bool {
        matches!(self, Dimension::ConcurrencyLevel | Dimension::ActivityLevel)
    }

    /// May appear as a filter key (`dim=v`, `dim!=v`, bare `dim`).
    pub fn is_filterable(self) -> bool {
        !self.is_time() && !self.is_histogram()
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A CMU metric column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// `active-users`: distinct accounts with a session in the interval (NOT additive).
    ActiveUsers,
    /// `active-sessions`: sessions with activity in the interval.
    ActiveSessions,
    /// `started-sessions`: sessions begun in the interval.
    StartedSessions,
    /// `completed-sessions`: sessions ended in the interval (≤ started in this model).
    CompletedSessions,
    /// `failed-attempts`: session initialisations denied.
    FailedAttempts,
    /// `dismissed-sessions`: ended on a heartbeat by a policy.
    DismissedSessions,
    /// `killed-sessions`: ended by another session's terminate header.
    KilledSessions,
    /// `duration_0-15` (minutes).
    Duration0To15,
    /// `duration_15-30`.
    Duration15To30,
    /// `duration_30-60`.
    Duration30To60,
    /// `duration_60-120`.
    Duration60To120,
    /// `duration_2h-4h`.
    Duration2hTo4h,
    /// `duration_4h-8h`.
    Duration4hTo8h,
    /// `duration_8h-16h`.
    Duration8hTo16h,
    /// `duration_16h-1d`.
    Duration16hTo1d,
    /// `duration_1d-3d`.
    Duration1dTo3d,
    /// `duration_3d-7d`.
    Duration3dTo7d,
    /// `duration_1w-1m`.
    Duration1wTo1m,
    /// `duration_over-1m`.
    DurationOver1m,
    /// `users`: the only metric of the histogram reports.
    Users,
}

impl Metric {
    /// The usage metrics, in the order the fake answers them by default.
    pub const USAGE: [Metric; 19] = [
        Metric::ActiveUsers,
        Metric::ActiveSessions,
        Metric::StartedSessions,
        Metric::CompletedSessions,
        Metric::FailedAttempts,
        Metric::DismissedSessions,
        Metric::KilledSessions,
        Metric::Duration0To15,
        Metric::Duration15To30,
        Metric::Duration30To60,
        Metric::Duration60To120,
        Metric::Duration2hTo4h,
        Metric::Duration4hTo8h,
        Metric::Duration8hTo16h,
        Metric::Duration16hTo1d,
        Metric::Duration1dTo3d,
        Metric::Duration3dTo7d,
        Metric::Duration1wTo1m,
        Metric::DurationOver1m,
    ];

    /// The twelve duration buckets, shortest first; they sum to `completed-sessions`.
    pub const DURATIONS: [Metric; 12] = [
        Metric::Duration0To15,
        Metric::Duration15To30,
        Metric::Duration30To60,
        Metric::Duration60To120,
        Metric::Duration2hTo4h,
        Metric::Duration4hTo8h,
        Metric::Duration8hTo16h,
        Metric::Duration16hTo1d,
        Metric::Duration1dTo3d,
        Metric::Duration3dTo7d,
        Metric::Duration1wTo1m,
        Metric::DurationOver1m,
    ];

    /// The wire name (`"duration_0-15"`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::ActiveUsers => "active-users",
            Metric::ActiveSessions => "active-sessions",
            Metric::StartedSessions => "started-sessions",
            Metric::CompletedSessions => "completed-sessions",
            Metric::FailedAttempts => "failed-attempts",
            Metric::DismissedSessions => "dismissed-sessions",
            Metric::KilledSessions => "killed-sessions",
            Metric::Duration0To15 => "duration_0-15",
            Metric::Duration15To30 => "duration_15-30",
            Metric::Duration30To60 => "duration_30-60",
            Metric::Duration60To120 => "duration_60-120",
            Metric::Duration2hTo4h => "duration_2h-4h",
            Metric::Duration4hTo8h => "duration_4h-8h",
            Metric::Duration8hTo16h => "duration_8h-16h",
            Metric::Duration16hTo1d => "duration_16h-1d",
            Metric::Duration1dTo3d => "duration_1d-3d",
            Metric::Duration3dTo7d => "duration_3d-7d",
            Metric::Duration1wTo1m => "duration_1w-1m",
            Metric::DurationOver1m => "duration_over-1m",
            Metric::Users => "users",
        }
    }

    /// The metric with this wire name (exact).
    pub fn parse(name: &str) -> Option<Metric> {
        if name == "users" {
            return Some(Metric::Users);
        }
        Metric::USAGE.into_iter().find(|m| m.name() == name)
    }

    /// Sums exactly across drill-down children and across time. Only `active-users` (distinct
    /// people) and the histogram's `users` are not additive.
    pub fn is_additive(self) -> bool {
        !matches!(self, Metric::ActiveUsers | Metric::Users)
    }

    /// Index into the per-cell base vector ([`super::dataset::Base`]) for additive usage
    /// metrics; `None` for `active-users` and `users` (derived, not stored).
    pub(crate) fn base_index(self) -> Option<usize> {
        use super::dataset::base;
        Some(match self {
            Metric::ActiveUsers | Metric::Users => return None,
            Metric::StartedSessions => base::STARTED,
            Metric::ActiveSessions => base::ACTIVE,
            Metric::CompletedSessions => base::COMPLETED,
            Metric::DismissedSessions => base::DISMISSED,
            Metric::KilledSessions => base::KILLED,
            Metric::FailedAttempts => base::FAILED,
            other => {
                let bucket = Metric::DURATIONS.iter().position(|d| *d == other)?;
                base::DURATION0 + bucket
            }
        })
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.name()), Some(d));
        }
        for m in Metric::USAGE.into_iter().chain([Metric::Users]) {
            assert_eq!(Metric::parse(m.name()), Some(m));
        }
        assert_eq!(Metric::parse("duration-0-15"), None);
        assert_eq!(Dimension::parse("Tenant"), None);
    }

    #[test]
    fn base_indices_are_distinct() {
        let mut seen: Vec<usize> = Metric::USAGE
            .iter()
            .filter_map(|m| m.base_index())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 18);
    }
}
