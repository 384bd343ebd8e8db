//! The fake's synthetic CMU data: a deterministic function of one seed, computed lazily.
//!
//! # Model
//!
//! The finest cell is (UTC hour, *leaf*), a leaf being one combination of
//! `application-id` × `mvpd` × `channel` (an application id fixes its `application`,
//! `platform` and `tenant`). Nothing is materialised per cell. Instead the traffic is a sum of
//! a few *components* (prime-time viewing, daytime/mobile viewing, live sports, connected-TV,
//! a yearly premiere), each separable into
//!
//! - a time series per (component, mvpd, hour) of small integer counts `A` (daily cycle with a
//!   local-evening peak, weekly cycle, seasons, a slow trend, events, outages, noise): started,
//!   active, completed, dismissed, killed, failed; and
//! - static integer weights per (component, leaf) `B` (tenant, platform, application and
//!   channel mix, per-MVPD platform affinity, jitter): a main weight `w`, its partition into
//!   the twelve duration buckets (drawn from a per-component, per-platform duration mix), and
//!   sparse 0/1 weights for the small metrics (dismissed, killed, failed) so that those are
//!   not coarsely quantised in aggregates.
//!
//! A cell's value is `Σ_k A[k][mvpd](hour) × B[k](leaf)` (started/active/completed × `w`,
//! duration bucket `b` = completed × `w_b`, dismissed × `w_d`...). So any aggregate over a
//! window and a set of leaves is `Σ_k Σ_m (Σ_hours A) × (Σ_leaves B)`: exact integer sums
//! (children always add up to their parent, a month is exactly the sum of its days) at a cost
//! independent of the number of cells. Per-day sums of `A` are cached (≈2.4 KB per day), the
//! only memory that grows with use.
//!
//! Consistency holds in every cell, hence in every aggregate: `completed ≤ started ≤ active`
//! (per component and hour, times the same `w`), the duration buckets sum exactly to
//! `completed-sessions` (the `w_b` partition `w`), `dismissed + killed ≤ completed` (the sparse
//! weights are ≤ `w`, and `A_dismissed + A_killed ≤ A_completed`).
//!
//! `active-users` is the one non-additive usage metric: see [`active_users`].
//!
//! Time: the values of `year`/`month`/`day`/`hour`/`minute` are UTC. The daily cycle follows US
//! Eastern local time (UTC−5, no daylight saving), so the evening peak shows at 00–04 UTC.
//!
//! Only `+ − × ÷` are used on floats (no `sin`/`exp` whose last bit may differ between C
//! libraries), so the data is identical on every platform.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Datelike, NaiveDate, Weekday};

use super::query::Filters;
use super::schema::{Dimension, Metric};

/// Indices of the additive base metrics in a [`Base`] vector.
pub(crate) mod base {
    /// `started-sessions`.
    pub const STARTED: usize = 0;
    /// `active-sessions`.
    pub const ACTIVE: usize = 1;
    /// `completed-sessions`.
    pub const COMPLETED: usize = 2;
    /// `dismissed-sessions`.
    pub const DISMISSED: usize = 3;
    /// `killed-sessions`.
    pub const KILLED: usize = 4;
    /// `failed-attempts`.
    pub const FAILED: usize = 5;
    /// First duration bucket (`duration_0-15`); the twelve buckets follow.
    pub const DURATION0: usize = 6;
    /// Length of a base vector.
    pub const LEN: usize = 18;
}

/// The additive metrics of one cell or aggregate, indexed by [`Metric::base_index`]-style
/// positions: started, active, completed, dismissed, killed, failed, then the 12 durations.
pub type Base = [u64; base::LEN];

/// Number of traffic components.
pub(crate) const K: usize = 5;
/// Number of MVPDs.
pub(crate) const M: usize = MVPDS.len();

/// Indices of a time-series cell `A` ([`Cell`]).
pub(crate) mod series {
    /// Sessions started (per unit of `w`).
    pub const STARTED: usize = 0;
    /// Sessions active.
    pub const ACTIVE: usize = 1;
    /// Sessions completed.
    pub const COMPLETED: usize = 2;
    /// Dismissed (per unit of the sparse dismissed weight).
    pub const DISMISSED: usize = 3;
    /// Killed (per unit of the sparse killed weight).
    pub const KILLED: usize = 4;
    /// Failed attempts (per unit of the sparse failed weight).
    pub const FAILED: usize = 5;
    /// Length of a cell.
    pub const LEN: usize = 6;
}

/// Indices of a leaf weight vector ([`Weights`]).
pub(crate) mod weight {
    /// The main weight `w` (started, active, completed).
    pub const MAIN: usize = 0;
    /// Sparse dismissed weight (0 or 1, ≤ `w`).
    pub const DISMISSED: usize = 1;
    /// Sparse killed weight (0 or 1, ≤ `w`).
    pub const KILLED: usize = 2;
    /// Sparse failed-attempts weight.
    pub const FAILED: usize = 3;
    /// First duration bucket; twelve follow, summing to `w`.
    pub const DURATION0: usize = 4;
    /// Length of a weight vector.
    pub const LEN: usize = 16;
}

/// One time-series cell `A[k][mvpd]` over some time.
pub(crate) type Cell = [u64; series::LEN];

/// `A` summed over some time: per component, per MVPD.
pub(crate) type Series = [[Cell; M]; K];

/// The weights `B[k]` of a leaf or a sum of leaves, for one component.
pub(crate) type Weights = [u64; weight::LEN];

/// Adds `A × B` to a base vector: the one formula tying the two halves of the model.
pub(crate) fn combine(cell: &Cell, w: &Weights, out: &mut Base) {
    let main = w[weight::MAIN];
    out[base::STARTED] += cell[series::STARTED] * main;
    out[base::ACTIVE] += cell[series::ACTIVE] * main;
    out[base::COMPLETED] += cell[series::COMPLETED] * main;
    out[base::DISMISSED] += cell[series::DISMISSED] * w[weight::DISMISSED];
    out[base::KILLED] += cell[series::KILLED] * w[weight::KILLED];
    out[base::FAILED] += cell[series::FAILED] * w[weight::FAILED];
    for b in 0..12 {
        out[base::DURATION0 + b] += cell[series::COMPLETED] * w[weight::DURATION0 + b];
    }
}

/// Expected share of `w` carried by the sparse weights: the small metrics' `A` are scaled
/// up by the inverse, which is what gives them a fine resolution.
const DISMISSED_DENSITY: f64 = 0.06;
const KILLED_DENSITY: f64 = 0.10;
const FAILED_DENSITY: f64 = 0.03;

/// The default seed of [`dataset`] and of the fake server.
pub const DEFAULT_SEED: u64 = 0x434d_5553_7475_6469; // "CMUStudi"

/// Tenants (CM programmers) in the data.
pub const TENANTS: [&str; 3] = ["cmu-demo-tv", "cmu-demo-sports", "cmu-demo-news"];

/// MVPD ids, with their market share (weights of the time series). One has spaces and `&` on
/// purpose: clients must percent-encode filter values.
pub const MVPDS: [&str; 10] = [
    "Comcast_SSO",
    "Charter_Direct",
    "DirecTV",
    "Dish",
    "Verizon",
    "Cox",
    "Optimum",
    "Frontier",
    "Sling TV",
    "AT&T U-verse",
];
const MVPD_SHARE: [f64; M] = [0.22, 0.17, 0.12, 0.08, 0.06, 0.07, 0.05, 0.03, 0.12, 0.08];

/// Platforms (device families).
pub const PLATFORMS: [&str; 8] = [
    "Android",
    "iOS",
    "tvOS",
    "Roku",
    "Fire TV",
    "Web",
    "Samsung Smart TV",
    "LG webOS",
];
const PLATFORM_SLUGS: [&str; 8] = [
    "android", "ios", "tvos", "roku", "firetv", "web", "samsung", "lgwebos",
];

/// Channels: (tenant index, name). `Unknown` is what CMU shows when the player sent none.
const CHANNELS: [(usize, &str); 10] = [
    (0, "Demo One"),
    (0, "Demo Two"),
    (0, "Demo Kids"),
    (0, "Unknown"),
    (1, "Demo Sports 1"),
    (1, "Demo Sports 2"),
    (1, "Demo Sports Extra"),
    (1, "Unknown"),
    (2, "Demo News 24"),
    (2, "Unknown"),
];

/// Applications: (tenant index, display name, id prefix, platform indices).
const APPLICATIONS: [(usize, &str, &str, &[usize]); 4] = [
    (0, "Demo TV", "com.cmudemo.tv", &[0, 1, 2, 3, 4, 5, 6, 7]),
    (0, "Demo TV Kids", "com.cmudemo.tvkids", &[0, 1, 2, 3, 4]),
    (
        1,
        "Demo Sports",
        "com.cmudemo.sports",
        &[0, 1, 2, 3, 4, 5, 6, 7],
    ),
    (2, "Demo News", "com.cmudemo.news", &[0, 1, 3, 5]),
];

// Components, the index of every per-component table: 0 prime time, 1 daytime/mobile,
// 2 live sports, 3 connected TV, 4 the yearly premiere.
const SPORTS: usize = 2;
const PREMIERE: usize = 4;

/// Sum of `B` over one MVPD's leaves, per component, after normalisation: the unit of `A`.
const WEIGHT_PER_MVPD: f64 = 400.0;

/// Peak sessions per hour of each component, all MVPDs together (before weekly/season/trend).
const PEAK: [f64; K] = [30_000.0, 12_000.0, 15_000.0, 12_000.0, 45_000.0];

/// Daily cycle by local hour (0 = midnight), peak 1.0.
const PROFILE: [[f64; 24]; K] = [
    [
        0.45, 0.28, 0.16, 0.10, 0.07, 0.06, 0.08, 0.13, 0.18, 0.22, 0.25, 0.28, 0.31, 0.33, 0.35,
        0.38, 0.44, 0.55, 0.70, 0.86, 0.97, 1.00, 0.90, 0.68,
    ],
    [
        0.10, 0.06, 0.04, 0.03, 0.03, 0.06, 0.20, 0.45, 0.65, 0.75, 0.82, 0.90, 1.00, 0.98, 0.92,
        0.85, 0.80, 0.75, 0.62, 0.50, 0.40, 0.32, 0.24, 0.15,
    ],
    [
        0.35, 0.20, 0.10, 0.06, 0.04, 0.03, 0.04, 0.06, 0.08, 0.10, 0.14, 0.20, 0.30, 0.42, 0.50,
        0.55, 0.60, 0.68, 0.80, 0.95, 1.00, 0.95, 0.80, 0.55,
    ],
    [
        0.60, 0.40, 0.22, 0.12, 0.08, 0.06, 0.07, 0.10, 0.15, 0.20, 0.24, 0.28, 0.32, 0.35, 0.38,
        0.42, 0.48, 0.58, 0.72, 0.88, 0.98, 1.00, 0.95, 0.80,
    ],
    [
        0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00,
        0.00, 0.02, 0.05, 0.12, 0.35, 1.00, 0.90, 0.60, 0.35,
    ],
];

/// Weekly cycle, Monday first.
const WEEKLY: [[f64; 7]; K] = [
    [0.95, 0.93, 0.95, 0.98, 1.08, 1.18, 1.20],
    [1.05, 1.05, 1.05, 1.03, 1.00, 0.80, 0.78],
    [1.15, 0.65, 0.70, 0.85, 0.75, 1.35, 1.60],
    [0.95, 0.93, 0.95, 0.98, 1.08, 1.20, 1.22],
    [1.0; 7],
];

/// Seasons, January first (sports follow the football season).
const SEASON: [[f64; 12]; K] = [
    [
        1.08, 1.05, 1.00, 0.95, 0.92, 0.85, 0.82, 0.85, 0.95, 1.02, 1.06, 1.12,
    ],
    [
        1.00, 1.00, 1.00, 1.00, 1.00, 0.95, 0.90, 0.92, 1.00, 1.00, 1.00, 1.02,
    ],
    [
        1.25, 1.20, 0.90, 0.75, 0.70, 0.60, 0.55, 0.65, 1.20, 1.30, 1.30, 1.30,
    ],
    [
        1.08, 1.05, 1.00, 0.95, 0.92, 0.85, 0.82, 0.85, 0.95, 1.02, 1.06, 1.12,
    ],
    [1.0; 12],
];

/// Growth per year since 2024-01-01 (connected TV grows fastest).
const TREND_PER_YEAR: [f64; K] = [0.10, 0.05, 0.08, 0.35, 0.10];
const TREND_AT_2024: [f64; K] = [1.0, 1.0, 1.0, 0.7, 1.0];

/// Sessions still running at the hour's start, as a share of those started in it.
const CARRY: [f64; K] = [0.50, 0.30, 0.80, 0.70, 0.60];

/// Duration mix of completed sessions (relative weights of the twelve buckets).
const DURATION_MIX: [[f64; 12]; K] = [
    [
        18.0, 14.0, 22.0, 24.0, 14.0, 5.0, 1.8, 0.6, 0.4, 0.15, 0.04, 0.01,
    ],
    [
        34.0, 22.0, 22.0, 13.0, 6.0, 2.0, 0.6, 0.2, 0.1, 0.04, 0.01, 0.005,
    ],
    [
        9.0, 8.0, 14.0, 25.0, 32.0, 9.0, 2.0, 0.6, 0.3, 0.1, 0.03, 0.01,
    ],
    [
        10.0, 9.0, 18.0, 27.0, 22.0, 9.0, 3.0, 1.0, 0.6, 0.25, 0.08, 0.02,
    ],
    [
        6.0, 5.0, 14.0, 45.0, 24.0, 4.0, 1.2, 0.4, 0.2, 0.1, 0.03, 0.01,
    ],
];

/// Share of each component per tenant.
const TENANT_MIX: [[f64; 3]; K] = [
    [1.0, 0.6, 0.35],
    [0.5, 0.3, 1.0],
    [0.0, 1.0, 0.0],
    [1.0, 0.7, 0.2],
    [1.0, 0.0, 0.0],
];

/// Share of each component per platform (order of [`PLATFORMS`]).
const PLATFORM_MIX: [[f64; 8]; K] = [
    [0.9, 1.0, 0.5, 1.1, 0.9, 0.6, 0.35, 0.25],
    [1.3, 1.5, 0.2, 0.3, 0.3, 1.2, 0.1, 0.08],
    [1.0, 1.1, 0.6, 1.2, 1.0, 0.7, 0.5, 0.35],
    [0.0, 0.0, 0.9, 1.4, 1.2, 0.0, 0.7, 0.5],
    [0.9, 1.0, 0.6, 1.2, 1.0, 0.7, 0.4, 0.3],
];

/// Local time offset from UTC, hours (US Eastern standard time).
const LOCAL_OFFSET_HOURS: i64 = -5;

/// Days from 0001-01-01 (chrono's CE day 1) to 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i64 = 719_163;

/// Day index (days since 1970-01-01) of 2024-01-01, the trend's origin.
const TREND_ORIGIN_DAY: i64 = 19_723;

// Hash tags, so that different uses of the seed never correlate.
const TAG_HOUR: u64 = 1;
const TAG_WEIGHT: u64 = 2;
const TAG_AFFINITY: u64 = 3;
const TAG_OUTAGE: u64 = 4;
const TAG_MVPD_OUTAGE: u64 = 5;
const TAG_PREMIERE: u64 = 6;
const TAG_MINUTE: u64 = 7;
const TAG_HISTOGRAM: u64 = 8;
const TAG_SPARSE: u64 = 9;
const TAG_DURATION: u64 = 10;

/// splitmix64's finaliser: a good 64-bit mixer, no state, no crate.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a seed, a tag and some keys.
pub(crate) fn hash(seed: u64, tag: u64, keys: &[u64]) -> u64 {
    keys.iter()
        .fold(mix(seed ^ mix(tag)), |acc, k| mix(acc ^ *k))
}

/// A uniform number in `[0, 1)` from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A stream of uniform numbers derived from one hash.
struct Draws {
    state: u64,
    n: u64,
}

impl Draws {
    fn new(state: u64) -> Self {
        Self { state, n: 0 }
    }

    fn next(&mut self) -> f64 {
        self.n += 1;
        unit(mix(self.state ^ self.n.wrapping_mul(0xA24B_AED4_963E_E407)))
    }

    /// `lo + (hi - lo) * u`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }

    /// Unbiased stochastic rounding of a non-negative number: keeps small averages right
    /// (0.3 sessions/hour shows as a 1 now and then, not as 0 forever).
    fn round(&mut self, x: f64) -> u64 {
        if !x.is_finite() || x <= 0.0 {
            return 0;
        }
        (x + self.next()).floor() as u64
    }
}

/// Splits `total` into parts proportional to `weights`, exactly (the parts sum to `total`).
/// Systematic rounding: part `i` is `⌊total·C_i/W + u⌋ − ⌊total·C_{i−1}/W + u⌋` with `C` the
/// cumulative weights and `u = offset / 2³²` a random phase, so that every part is unbiased
/// (plain flooring would hand every remainder to the same late parts). A part never exceeds
/// `⌈total·w_i/W⌉`, so when `total ≤ W` and the weights are integers every part stays ≤ its
/// weight (used to nest completed ≤ started minute by minute).
pub(crate) fn split_exact(total: u64, weights: &[u64], offset: u32, out: &mut [u64]) {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        // No shape to follow: spread evenly (only reachable with total == 0 in practice).
        let n = out.len().max(1) as u64;
        for (i, o) in out.iter_mut().enumerate() {
            let i = i as u64;
            *o = total * (i + 1) / n - total * i / n;
        }
        return;
    }
    const SCALE: u128 = 1 << 32;
    let phase = u128::from(offset) * sum;
    let denominator = sum * SCALE;
    let mut cumulative: u128 = 0;
    let mut previous: u128 = phase / denominator;
    for (w, o) in weights.iter().zip(out.iter_mut()) {
        cumulative += u128::from(*w);
        let upto = (u128::from(total) * cumulative * SCALE + phase) / denominator;
        *o = (upto - previous) as u64;
        previous = upto;
    }
}

/// Distinct users from active sessions over a period of `period_minutes` minutes.
///
/// The rule (deterministic, documented for clients and tests): `active-users =
/// ⌈active-sessions × r⌉` with `r` a step function that only decreases as the period grows
/// (people come back: the longer the period, the more sessions per person):
///
/// | period ≤ | 1 min | 1 h | 6 h | 1 day | 7 days | 31 days | 92 days | 366 days | longer |
/// |----------|-------|-----|-----|-------|--------|---------|---------|----------|--------|
/// | r (‰)    | 950   | 800 | 650 | 520   | 330    | 210     | 150     | 110      | 90     |
///
/// Consequences: `active-users ≤ active-sessions`; a parent (longer or equal period, union of
/// groups) never exceeds the sum of its children (`⌈Σx·r⌉ ≤ Σ⌈x·r'⌉` when `r ≤ r'`); a row with
/// any active session has at least one user.
pub fn active_users(active_sessions: u64, period_minutes: u64) -> u64 {
    let permille: u64 = match period_minutes {
        0..=1 => 950,
        2..=60 => 800,
        61..=360 => 650,
        361..=1_440 => 520,
        1_441..=10_080 => 330,
        10_081..=44_640 => 210,
        44_641..=132_480 => 150,
        132_481..=527_040 => 110,
        _ => 90,
    };
    let product = u128::from(active_sessions) * u128::from(permille);
    u64::try_from(product.div_ceil(1000)).unwrap_or(u64::MAX)
}

/// One application id of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppId {
    /// The id (`"com.cmudemo.tv.roku"`).
    pub id: String,
    /// Index into the applications (display names).
    pub application: usize,
    /// Index into [`PLATFORMS`].
    pub platform: usize,
    /// Index into [`TENANTS`].
    pub tenant: usize,
}

/// One leaf: the finest non-time combination (`application-id` × `mvpd` × `channel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    /// Index into [`TENANTS`].
    pub tenant: usize,
    /// Index into [`MVPDS`].
    pub mvpd: usize,
    /// Index into [`PLATFORMS`].
    pub platform: usize,
    /// Index into the channel list ([`Dataset::channel_name`]).
    pub channel: usize,
    /// Index into the applications ([`Dataset::application_name`]).
    pub application: usize,
    /// Index into [`Dataset::app_ids`].
    pub app_id: usize,
}

/// The synthetic data set of one seed: catalogue, leaf weights and lazily computed series.
#[derive(Debug)]
pub struct Dataset {
    seed: u64,
    app_ids: Vec<AppId>,
    leaves: Vec<Leaf>,
    /// `B[k]` per leaf.
    weights: Vec<[Weights; K]>,
}

/// The data set of [`DEFAULT_SEED`] (what the fake serves unless configured otherwise).
pub fn dataset() -> &'static Dataset {
    static DEFAULT: OnceLock<Dataset> = OnceLock::new();
    DEFAULT.get_or_init(|| Dataset::new(DEFAULT_SEED))
}

/// The data set of `seed`, shared: built once per seed per process.
pub fn dataset_for_seed(seed: u64) -> Arc<Dataset> {
    static BY_SEED: OnceLock<Mutex<HashMap<u64, Arc<Dataset>>>> = OnceLock::new();
    let map = BY_SEED.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(seed)
        .or_insert_with(|| Arc::new(Dataset::new(seed)))
        .clone()
}

/// Per-(seed, UTC day) sums of the hourly series, so month and year reports need no hourly
/// recomputation after the first request. Bounded: cleared when full.
type DayCache = Mutex<HashMap<(u64, i64), Arc<Series>>>;

fn day_cache() -> &'static DayCache {
    static CACHE: OnceLock<DayCache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}
const DAY_CACHE_CAPACITY: usize = 2_400;

/// What is true of one local hour, shared by every (component, mvpd) series.
struct HourContext {
    local_hour: usize,
    weekday: usize,
    month0: usize,
    years_since_2024: f64,
    /// Multiplier of the sports component (championship night).
    sports_event: f64,
    /// Level of the premiere component (0 outside the premiere days).
    premiere: f64,
    /// A service-wide outage is running.
    global_outage: bool,
    /// The MVPD whose authentication is down, if any.
    mvpd_outage: Option<usize>,
}

fn zero_series() -> Series {
    [[[0; series::LEN]; M]; K]
}

fn add_series(into: &mut Series, from: &Series) {
    for (a, b) in into.iter_mut().zip(from.iter()) {
        for (x, y) in a.iter_mut().zip(b.iter()) {
            for (p, q) in x.iter_mut().zip(y.iter()) {
                *p += *q;
            }
        }
    }
}

fn date_of_day(day: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(day + UNIX_EPOCH_CE_DAYS).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

impl Dataset {
    /// Builds the catalogue and the leaf weights of `seed` (cheap: about a thousand leaves).
    pub fn new(seed: u64) -> Dataset {
        let mut app_ids = Vec::new();
        for (a, (tenant, _, prefix, platforms)) in APPLICATIONS.iter().enumerate() {
            for &p in platforms.iter() {
                app_ids.push(AppId {
                    id: format!("{prefix}.{}", PLATFORM_SLUGS[p]),
                    application: a,
                    platform: p,
                    tenant: *tenant,
                });
            }
        }
        let mut leaves = Vec::new();
        let mut raw: Vec<[f64; K]> = Vec::new();
        for (i, app) in app_ids.iter().enumerate() {
            for mvpd in 0..M {
                for (c, (channel_tenant, _)) in CHANNELS.iter().enumerate() {
                    if *channel_tenant != app.tenant {
                        continue;
                    }
                    let leaf = Leaf {
                        tenant: app.tenant,
                        mvpd,
                        platform: app.platform,
                        channel: c,
                        application: app.application,
                        app_id: i,
                    };
                    let mut w = [0.0; K];
                    for (k, wk) in w.iter_mut().enumerate() {
                        *wk = raw_weight(seed, k, &leaf);
                    }
                    leaves.push(leaf);
                    raw.push(w);
                }
            }
        }
        // Normalise each component so one MVPD's leaves weigh WEIGHT_PER_MVPD on average: the
        // time series are then in "sessions per WEIGHT_PER_MVPD" units whatever the mix.
        let mut scale = [0.0; K];
        for (k, s) in scale.iter_mut().enumerate() {
            let total: f64 = raw.iter().map(|w| w[k]).sum();
            *s = if total > 0.0 {
                WEIGHT_PER_MVPD * M as f64 / total
            } else {
                0.0
            };
        }
        let weights = raw
            .iter()
            .zip(leaves.iter())
            .enumerate()
            .map(|(i, (w, leaf))| {
                let mut out = [[0u64; weight::LEN]; K];
                for k in 0..K {
                    out[k] = leaf_weights(seed, i, k, leaf, w[k] * scale[k]);
                }
                out
            })
            .collect();
        Dataset {
            seed,
            app_ids,
            leaves,
            weights,
        }
    }

    /// The seed everything derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The application ids of the catalogue.
    pub fn app_ids(&self) -> &[AppId] {
        &self.app_ids
    }

    /// Every leaf (`application-id` × `mvpd` × `channel` of the same tenant).
    pub fn leaves(&self) -> &[Leaf] {
        &self.leaves
    }

    /// The display name of application `index`.
    pub fn application_name(&self, index: usize) -> &'static str {
        APPLICATIONS.get(index).map_or("", |a| a.1)
    }

    /// The name of channel `index`.
    pub fn channel_name(&self, index: usize) -> &'static str {
        CHANNELS.get(index).map_or("", |c| c.1)
    }

    /// The value of a non-time dimension for a leaf (`None` for time and histogram
    /// dimensions).
    pub fn leaf_value(&self, leaf: &Leaf, dimension: Dimension) -> Option<&str> {
        Some(match dimension {
            Dimension::Tenant => TENANTS[leaf.tenant],
            Dimension::Mvpd => MVPDS[leaf.mvpd],
            Dimension::Platform => PLATFORMS[leaf.platform],
            Dimension::Channel => self.channel_name(leaf.channel),
            Dimension::Application => self.application_name(leaf.application),
            Dimension::ApplicationId => self.app_ids.get(leaf.app_id)?.id.as_str(),
            _ => return None,
        })
    }

    /// Every distinct value a non-time dimension takes, sorted.
    pub fn values(&self, dimension: Dimension) -> Vec<&str> {
        let mut values: Vec<&str> = self
            .leaves
            .iter()
            .filter_map(|l| self.leaf_value(l, dimension))
            .collect();
        values.sort_unstable();
        values.dedup();
        values
    }

    /// The leaf weights `B[k]` of leaf `index`.
    pub(crate) fn weights(&self, index: usize) -> [Weights; K] {
        self.weights
            .get(index)
            .copied()
            .unwrap_or([[0; weight::LEN]; K])
    }

    /// The base metrics of one cell: leaf `leaf_index` during UTC hour `hour` (hours since the
    /// Unix epoch). The brute-force definition every aggregate must agree with.
    pub fn cell(&self, leaf_index: usize, hour: i64) -> Base {
        let series = self.hour_series(hour);
        let mut out = [0u64; base::LEN];
        let Some(leaf) = self.leaves.get(leaf_index) else {
            return out;
        };
        let w = self.weights(leaf_index);
        for k in 0..K {
            combine(&series[k][leaf.mvpd], &w[k], &mut out);
        }
        out
    }

    /// Ground truth, by brute force over cells (independent of the report engine): the value
    /// of `metric` over the UTC hours starting in `[start, end)`, over the leaves `filters`
    /// keeps. `active-users` follows [`active_users`] over the whole window; `users` (the
    /// histogram metric) is not a usage total and gives `None`. No retention clipping: the
    /// server additionally limits windows to its 25 months of data.
    pub fn total(
        &self,
        metric: Metric,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
        filters: &Filters,
    ) -> Option<u64> {
        self.totals(start, end, filters)
            .into_iter()
            .find_map(|(m, v)| (m == metric).then_some(v))
    }

    /// [`Self::total`] of every usage metric at once (one pass over the cells), in
    /// [`Metric::USAGE`] order.
    pub fn totals(
        &self,
        start: chrono::DateTime<chrono::Utc>,
        end: chrono::DateTime<chrono::Utc>,
        filters: &Filters,
    ) -> Vec<(Metric, u64)> {
        let first = ceil_div(start.timestamp(), 3600);
        let last = ceil_div(end.timestamp(), 3600);
        let leaves: Vec<usize> = (0..self.leaves.len())
            .filter(|i| filters.matches(self, &self.leaves[*i]))
            .collect();
        let mut sum = [0u64; base::LEN];
        for hour in first..last {
            // Same as summing `self.cell(i, hour)`, without recomputing the hour per leaf.
            let series = self.hour_series(hour);
            for &i in &leaves {
                let (leaf, w) = (&self.leaves[i], self.weights(i));
                for k in 0..K {
                    combine(&series[k][leaf.mvpd], &w[k], &mut sum);
                }
            }
        }
        let minutes = u64::try_from((last - first).max(0)).unwrap_or(0) * 60;
        Metric::USAGE
            .iter()
            .map(|m| match m.base_index() {
                Some(i) => (*m, sum[i]),
                None => (*m, active_users(sum[base::ACTIVE], minutes)),
            })
            .collect()
    }

    fn hour_context(&self, hour: i64) -> HourContext {
        let local = hour + LOCAL_OFFSET_HOURS;
        let local_day = local.div_euclid(24);
        let local_hour = local.rem_euclid(24) as usize;
        // 1970-01-01 was a Thursday (index 3 with Monday = 0).
        let weekday = (local_day + 3).rem_euclid(7) as usize;
        let date = date_of_day(local_day);
        let (year, month0, day) =
            date.map_or((1970, 0, 1), |d| (d.year(), d.month0() as usize, d.day()));
        let years_since_2024 = (local_day - TREND_ORIGIN_DAY) as f64 / 365.25;

        // Championship night: the second Sunday of February, local evening.
        let mut sports_event = 1.0;
        if let Some(final_day) = NaiveDate::from_weekday_of_month_opt(year, 2, Weekday::Sun, 2) {
            if let Some(d) = date {
                let delta = (d - final_day).num_days();
                if delta == 0 {
                    const NIGHT: [f64; 24] = [
                        1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.4, 1.6, 1.8,
                        2.0, 2.4, 3.0, 5.0, 6.0, 6.5, 6.0, 4.5, 2.5,
                    ];
                    sports_event = NIGHT[local_hour];
                } else if delta == -1 {
                    sports_event = 1.3;
                }
            }
        }

        // Premiere: one evening a year between mid-September and early November, with
        // catch-up viewing the next two days.
        let mut premiere = 0.0;
        if let Some(d) = date {
            let doy = 258 + (hash(self.seed, TAG_PREMIERE, &[year as u64]) % 50) as u32;
            if let Some(premiere_day) = NaiveDate::from_yo_opt(year, doy) {
                premiere = match (d - premiere_day).num_days() {
                    0 => 1.0,
                    1 => 0.30,
                    2 => 0.12,
                    _ => 0.0,
                };
            }
        }

        // Outages: a service-wide one in about one month out of three, and one MVPD's
        // authentication down for three hours every month.
        let month_index = year as i64 * 12 + month0 as i64;
        let h = hash(self.seed, TAG_OUTAGE, &[month_index as u64]);
        let global_outage = h.is_multiple_of(3) && {
            let o_day = 1 + (mix(h ^ 1) % 28) as u32;
            let o_start = 9 + (mix(h ^ 2) % 12) as usize;
            let o_len = 2 + (mix(h ^ 3) % 3) as usize;
            day == o_day && local_hour >= o_start && local_hour < o_start + o_len
        };
        let hm = hash(self.seed, TAG_MVPD_OUTAGE, &[month_index as u64]);
        let mvpd_outage = {
            let o_day = 1 + (mix(hm ^ 1) % 28) as u32;
            let o_start = (mix(hm ^ 2) % 21) as usize;
            (day == o_day && local_hour >= o_start && local_hour < o_start + 3)
                .then_some((mix(hm ^ 3) % M as u64) as usize)
        };
        HourContext {
            local_hour,
            weekday,
            month0,
            years_since_2024,
            sports_event,
            premiere,
            global_outage,
            mvpd_outage,
        }
    }

    /// The hourly series `A[k][mvpd]` of UTC hour `hour`.
    pub(crate) fn hour_series(&self, hour: i64) -> Series {
        let ctx = self.hour_context(hour);
        let mut out = zero_series();
        for (k, per_mvpd) in out.iter_mut().enumerate() {
            let mut level = PROFILE[k][ctx.local_hour]
                * WEEKLY[k][ctx.weekday]
                * SEASON[k][ctx.month0]
                * (TREND_AT_2024[k] + TREND_PER_YEAR[k] * ctx.years_since_2024).clamp(0.3, 3.0);
            if k == SPORTS {
                level *= ctx.sports_event;
            }
            if k == PREMIERE {
                level *= ctx.premiere;
            }
            if level <= 0.0 {
                continue;
            }
            for (m, cell) in per_mvpd.iter_mut().enumerate() {
                let expected = PEAK[k] * MVPD_SHARE[m] * level / WEIGHT_PER_MVPD;
                let mut d = Draws::new(hash(
                    self.seed,
                    TAG_HOUR,
                    &[hour as u64, k as u64, m as u64],
                ));
                let volume = expected * d.between(0.85, 1.15);
                let outage = ctx.global_outage || ctx.mvpd_outage == Some(m);
                let (keep, failed_share) = if outage {
                    (d.between(0.01, 0.05), d.between(0.35, 0.6))
                } else {
                    (1.0, 0.0)
                };
                let started = d.round(volume * keep);
                let carry = CARRY[k] * d.between(0.85, 1.15);
                let carried = d.round(volume * keep * carry);
                let open_share = d.between(0.02, 0.08);
                let open = d.round(started as f64 * open_share).min(started);
                let completed = started - open;
                // The small metrics are per unit of their sparse weights: scale by 1/density.
                let dismissed_share = d.between(0.008, 0.022) / DISMISSED_DENSITY;
                let dismissed = d.round(completed as f64 * dismissed_share).min(completed);
                let killed_share = d.between(0.02, 0.05) / KILLED_DENSITY;
                let killed = d
                    .round(completed as f64 * killed_share)
                    .min(completed - dismissed);
                let failure_share = (d.between(0.008, 0.02) + failed_share) / FAILED_DENSITY;
                let failed = d.round(volume * failure_share);
                cell[series::STARTED] = started;
                cell[series::ACTIVE] = started + carried;
                cell[series::COMPLETED] = completed;
                cell[series::DISMISSED] = dismissed;
                cell[series::KILLED] = killed;
                cell[series::FAILED] = failed;
            }
        }
        out
    }

    /// The series of each of the 60 minutes of UTC hour `hour`: exact splits of
    /// [`Self::hour_series`] (the minutes sum to the hour) that keep every per-cell invariant.
    pub(crate) fn minute_series(&self, hour: i64) -> Vec<Series> {
        let hourly = self.hour_series(hour);
        let mut minutes = vec![zero_series(); 60];
        let mut shape = [0u64; 60];
        let mut part = [0u64; 60];
        let mut started = [0u64; 60];
        let mut completed = [0u64; 60];
        let mut ended = [0u64; 60];
        for k in 0..K {
            for m in 0..M {
                let cell = &hourly[k][m];
                if cell.iter().all(|v| *v == 0) {
                    continue;
                }
                let h = hash(self.seed, TAG_MINUTE, &[hour as u64, k as u64, m as u64]);
                for (i, w) in shape.iter_mut().enumerate() {
                    *w = 500 + mix(h ^ i as u64) % 1000;
                }
                let phase = |n: u64| (mix(h ^ (0x100 + n)) >> 32) as u32;
                let mut set = |index: usize, values: &[u64; 60]| {
                    for (minute, v) in minutes.iter_mut().zip(values.iter()) {
                        minute[k][m][index] = *v;
                    }
                };
                // started follows the random shape; what must stay below it follows it.
                split_exact(cell[series::STARTED], &shape, phase(0), &mut started);
                set(series::STARTED, &started);
                split_exact(
                    cell[series::ACTIVE] - cell[series::STARTED],
                    &shape,
                    phase(1),
                    &mut part,
                );
                for (p, s) in part.iter_mut().zip(started.iter()) {
                    *p += s;
                }
                set(series::ACTIVE, &part);
                split_exact(cell[series::COMPLETED], &started, phase(2), &mut completed);
                set(series::COMPLETED, &completed);
                let by_policy = cell[series::DISMISSED] + cell[series::KILLED];
                split_exact(by_policy, &completed, phase(3), &mut ended);
                split_exact(cell[series::DISMISSED], &ended, phase(4), &mut part);
                set(series::DISMISSED, &part);
                for (p, e) in part.iter_mut().zip(ended.iter()) {
                    *p = e - *p;
                }
                set(series::KILLED, &part);
                split_exact(cell[series::FAILED], &shape, phase(5), &mut part);
                set(series::FAILED, &part);
            }
        }
        minutes
    }

    /// `A` summed over the UTC hours `[first, last)`, using cached whole-day sums.
    pub(crate) fn sum_hours(&self, first: i64, last: i64) -> Series {
        let mut total = zero_series();
        let mut h = first;
        while h < last {
            if h.rem_euclid(24) == 0 && h + 24 <= last {
                let day = h.div_euclid(24);
                add_series(&mut total, &self.day_series(day));
                h += 24;
            } else {
                add_series(&mut total, &self.hour_series(h));
                h += 1;
            }
        }
        total
    }

    fn day_series(&self, day: i64) -> Arc<Series> {
        let key = (self.seed, day);
        if let Some(hit) = day_cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return hit.clone();
        }
        let mut sum = zero_series();
        for h in day * 24..day * 24 + 24 {
            add_series(&mut sum, &self.hour_series(h));
        }
        let sum = Arc::new(sum);
        let mut cache = day_cache().lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= DAY_CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(key, sum.clone());
        sum
    }

    /// Splits `users` over histogram levels `1..=max_level`: most at level 1, a geometric
    /// tail. Deterministic in (seed, key). Returns `(level, users)` pairs with users > 0.
    pub(crate) fn histogram(
        &self,
        users: u64,
        max_level: u64,
        activity: bool,
        key: u64,
    ) -> Vec<(u64, u64)> {
        let mut d = Draws::new(hash(self.seed, TAG_HISTOGRAM, &[key, u64::from(activity)]));
        let (first, ratio) = if activity {
            (d.between(0.30, 0.40), d.between(0.70, 0.80))
        } else {
            (d.between(0.76, 0.84), d.between(0.22, 0.30))
        };
        let mut out = Vec::new();
        let mut remaining = users;
        let mut level = 1u64;
        // Share of what remains that stays at this level.
        let mut share = first;
        while remaining > 0 && level <= max_level.max(1) {
            let take = if level >= max_level.max(1) {
                remaining
            } else {
                let wanted = (remaining as f64 * share).round() as u64;
                wanted.clamp(1, remaining)
            };
            out.push((level, take));
            remaining -= take;
            level += 1;
            // After level 1 the tail decays geometrically: keep (1 - ratio) of what remains.
            share = (1.0 - ratio) * d.between(0.9, 1.1);
        }
        out
    }
}

/// `⌈a / b⌉` for `b > 0`, correct for negative `a`.
pub(crate) fn ceil_div(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

/// The unnormalised weight of a leaf in component `k`.
fn raw_weight(seed: u64, k: usize, leaf: &Leaf) -> f64 {
    let tenant = TENANT_MIX[k][leaf.tenant];
    let platform = PLATFORM_MIX[k][leaf.platform];
    let kids_app = leaf.application == 1;
    let application = match (k, kids_app) {
        (PREMIERE, true) => 0.05,
        (_, true) => 0.3,
        _ => 1.0,
    };
    let channel_name = CHANNELS.get(leaf.channel).map_or("", |c| c.1);
    let channel = match (channel_name, kids_app) {
        ("Demo Kids", true) => 0.9,
        ("Unknown", true) => 0.1,
        (_, true) => 0.0,
        ("Demo One", _) if k == PREMIERE => 0.9,
        ("Demo One", _) => 0.5,
        ("Demo Two", _) => 0.3,
        ("Demo Kids", _) => 0.05,
        ("Demo Sports 1", _) => 0.5,
        ("Demo Sports 2", _) => 0.3,
        ("Demo Sports Extra", _) => 0.15,
        ("Demo News 24", _) => 0.9,
        ("Unknown", _) => 0.07,
        _ => 0.0,
    };
    // MVPD-specific device habits: a virtual MVPD lives on streaming sticks.
    let mut affinity = 0.75
        + 0.5
            * unit(hash(
                seed,
                TAG_AFFINITY,
                &[leaf.mvpd as u64, leaf.platform as u64],
            ));
    match (MVPDS[leaf.mvpd], PLATFORMS[leaf.platform]) {
        ("Sling TV", "Roku" | "Fire TV") => affinity *= 1.6,
        ("Sling TV", "tvOS" | "Web") => affinity *= 1.25,
        ("AT&T U-verse", "iOS" | "Android") => affinity *= 1.2,
        _ => {}
    }
    let jitter = 0.7
        + 0.6
            * unit(hash(
                seed,
                TAG_WEIGHT,
                &[
                    k as u64,
                    leaf.app_id as u64,
                    leaf.mvpd as u64,
                    leaf.channel as u64,
                ],
            ));
    tenant * platform * application * channel * affinity * jitter
}

/// The weight vector of one leaf in component `k` from its normalised weight `scaled`.
fn leaf_weights(seed: u64, index: usize, k: usize, leaf: &Leaf, scaled: f64) -> Weights {
    let mut out = [0u64; weight::LEN];
    let mut d = Draws::new(hash(seed, TAG_SPARSE, &[index as u64, k as u64]));
    let main = d.round(scaled);
    out[weight::MAIN] = main;
    if main == 0 {
        return out;
    }
    // Sparse 0/1 weights, more likely on heavy leaves; ≤ main since main ≥ 1.
    let w = main as f64;
    out[weight::DISMISSED] = u64::from(d.next() < DISMISSED_DENSITY * w);
    out[weight::KILLED] = u64::from(d.next() < KILLED_DENSITY * w);
    out[weight::FAILED] = u64::from(d.next() < FAILED_DENSITY * w);
    // Duration buckets: each unit of `main` lands in a bucket drawn from the component's mix,
    // shorter on phones and the web, longer on TV devices.
    let mut mix_weights = DURATION_MIX[k];
    match PLATFORMS[leaf.platform] {
        "Android" | "iOS" | "Web" => {
            mix_weights[0] *= 1.4;
            mix_weights[1] *= 1.3;
        }
        _ => {
            for w in mix_weights.iter_mut().skip(3) {
                *w *= 1.25;
            }
        }
    }
    let total: f64 = mix_weights.iter().sum();
    let mut units = Draws::new(hash(seed, TAG_DURATION, &[index as u64, k as u64]));
    for _ in 0..main {
        let mut target = units.next() * total;
        let mut bucket = 11;
        for (b, w) in mix_weights.iter().enumerate() {
            if target < *w {
                bucket = b;
                break;
            }
            target -= w;
        }
        out[weight::DURATION0 + bucket] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_exact_sums_nests_and_is_unbiased() {
        let weights = [3u64, 0, 7, 1, 9];
        for total in 0..=20u64 {
            for offset in [0u32, 1, 1 << 31, u32::MAX] {
                let mut out = [0u64; 5];
                split_exact(total, &weights, offset, &mut out);
                assert_eq!(out.iter().sum::<u64>(), total);
                for (o, w) in out.iter().zip(weights.iter()) {
                    assert!(*o <= *w, "{out:?} vs {weights:?}");
                }
                assert_eq!(out[1], 0);
            }
        }
        let mut out = [0u64; 3];
        split_exact(5, &[0, 0, 0], 7, &mut out);
        assert_eq!(out.iter().sum::<u64>(), 5);
        // A tiny last weight gets its fair share on average, not a part every time.
        let mut last = 0;
        for i in 0..1000u64 {
            let mut out = [0u64; 3];
            split_exact(10, &[500, 499, 1], (mix(i) >> 32) as u32, &mut out);
            last += out[2];
        }
        assert!(last < 60, "{last}");
    }

    fn assert_consistent(c: &Base) {
        assert!(c[base::COMPLETED] <= c[base::STARTED], "{c:?}");
        assert!(c[base::STARTED] <= c[base::ACTIVE], "{c:?}");
        assert!(
            c[base::DISMISSED] + c[base::KILLED] <= c[base::COMPLETED],
            "{c:?}"
        );
        assert_eq!(
            c[base::DURATION0..].iter().sum::<u64>(),
            c[base::COMPLETED],
            "{c:?}"
        );
    }

    fn hour_of(y: i32, m: u32, d: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
            / 3600
    }

    #[test]
    fn cells_are_consistent() {
        let data = Dataset::new(7);
        for leaf in 0..data.leaves().len() {
            let w = data.weights(leaf);
            for wk in &w {
                assert!(wk[weight::DISMISSED] <= wk[weight::MAIN]);
                assert!(wk[weight::KILLED] <= wk[weight::MAIN]);
                assert_eq!(
                    wk[weight::DURATION0..].iter().sum::<u64>(),
                    wk[weight::MAIN]
                );
            }
        }
        // Days around a championship night (2026-02-08 is the second Sunday of February).
        let start = hour_of(2026, 2, 7);
        for h in (start..start + 48).step_by(5) {
            for per_mvpd in data.hour_series(h).iter() {
                for c in per_mvpd.iter() {
                    assert!(c[series::COMPLETED] <= c[series::STARTED]);
                    assert!(c[series::STARTED] <= c[series::ACTIVE]);
                    assert!(c[series::DISMISSED] + c[series::KILLED] <= c[series::COMPLETED]);
                }
            }
            for leaf in (0..data.leaves().len()).step_by(7) {
                assert_consistent(&data.cell(leaf, h));
            }
        }
    }

    #[test]
    fn minutes_sum_to_the_hour_and_stay_consistent() {
        let data = Dataset::new(3);
        let hour = hour_of(2026, 10, 3) + 1; // evening peak
        let hourly = data.hour_series(hour);
        let minutes = data.minute_series(hour);
        let mut sum = zero_series();
        for m in &minutes {
            add_series(&mut sum, m);
            for per_mvpd in m.iter() {
                for c in per_mvpd.iter() {
                    assert!(c[series::COMPLETED] <= c[series::STARTED]);
                    assert!(c[series::STARTED] <= c[series::ACTIVE]);
                    assert!(c[series::DISMISSED] + c[series::KILLED] <= c[series::COMPLETED]);
                }
            }
        }
        assert_eq!(sum, hourly);
    }

    #[test]
    fn day_cache_agrees_with_hours() {
        let data = Dataset::new(11);
        let first = 20_500 * 24 + 5;
        let last = first + 24 * 3 + 7;
        let mut direct = zero_series();
        for h in first..last {
            add_series(&mut direct, &data.hour_series(h));
        }
        assert_eq!(data.sum_hours(first, last), direct);
        assert_eq!(data.sum_hours(first, last), direct, "cached path too");
    }

    #[test]
    fn active_users_rule_is_monotone() {
        let mut previous = u64::MAX;
        for minutes in [
            1, 60, 360, 1440, 10_080, 44_640, 132_480, 527_040, 1_000_000,
        ] {
            let users = active_users(100_000, minutes);
            assert!(users <= previous);
            previous = users;
        }
        assert_eq!(active_users(0, 60), 0);
        assert_eq!(active_users(1, 1_000_000), 1);
        assert!(active_users(u64::MAX, 1) > u64::MAX / 2);
        assert_eq!(active_users(1000, 60), 800);
    }

    #[test]
    fn histogram_sums_to_users() {
        let data = Dataset::new(1);
        for users in [0u64, 1, 2, 10, 999, 1_234_567] {
            for activity in [false, true] {
                let levels = data.histogram(users, 31, activity, users);
                assert_eq!(levels.iter().map(|l| l.1).sum::<u64>(), users);
                if users > 100 {
                    assert!(levels[0].1 > levels[1].1);
                }
            }
        }
    }
}
