//! A deterministic synthetic ownership graph for benchmarks (`kg gen`).
//!
//! The shape is that of the benchmark graphs the peers were measured
//! on: 20% persons, 72% companies, 8% deposits; ownership chains from
//! persons through companies at levels 0 to 9 down to deposits, with heavy-tailed owners (a few hold
//! thousands of stakes), small cross-holding cycles and shares into one
//! target that never sum to more than 100%; company groups (`PART_OF`) and
//! memoranda between companies (`SIGNED_MEMORANDUM`) fill up to about
//! three relations per entity. Countries are 20 ISO codes, Zipf-skewed.
//!
//! The same number of entities and seed give the same bytes, on any
//! machine: the random numbers come from our own xoshiro256** generator
//! and nothing depends on hash order.
//!
//! ```
//! let g = kg::generate::generate(&kg::generate::Spec { entities: 1000, seed: 7 })?;
//! let mut text = Vec::new();
//! g.write_graph(&mut text)?;
//! let graph = kg::graph::load_str("synthetic.json", std::str::from_utf8(&text)?)?;
//! assert_eq!(graph.entity_count(), 1000);
//! assert_eq!(graph.relation_count(), g.relation_count());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::export::file::write_atomic_with;

/// The fewest entities a graph can have: enough for every kind of entity,
/// level and cycle.
pub const MIN_ENTITIES: usize = 50;
/// The most entities a graph can have (ids are 32-bit indexes).
pub const MAX_ENTITIES: usize = 100_000_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The number of entities; relations are about three times as many.
    pub entities: usize,
    /// The seed of the random numbers.
    pub seed: u64,
}

/// Why a graph could not be generated or written.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// The number of entities is out of range.
    #[error("--entities {0}: give a number of entities from {MIN_ENTITIES} to {MAX_ENTITIES} (for example --entities 100000)")]
    Entities(usize),
    /// The output folder is a file.
    #[error("{0}: exists and is not a folder; give a folder for the generated files (it is created when missing)")]
    NotAFolder(PathBuf),
    /// The file system refused.
    #[error("{path}: {message}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

// ---------------------------------------------------------------- random

/// xoshiro256** seeded through splitmix64: fast, and the same sequence on
/// every platform.
#[derive(Debug, Clone)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// A Pareto variate (minimum 1) with shape `alpha`.
    fn pareto(&mut self, alpha: f64) -> f64 {
        (1.0 - self.unit()).powf(-1.0 / alpha)
    }

    /// An index drawn with the weights whose running sums are `cum`.
    fn pick(&mut self, cum: &[f64]) -> usize {
        let total = cum.last().copied().unwrap_or(0.0);
        let x = self.unit() * total;
        cum.partition_point(|&c| c <= x)
            .min(cum.len().saturating_sub(1))
    }

    /// `k` distinct items of `items`, in draw order.
    fn sample<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let k = k.min(pool.len());
        for i in 0..k {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }
}

fn running_sums(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .into_iter()
        .map(|w| {
            sum += w;
            sum
        })
        .collect()
}

/// Entities to draw from, the more attractive ones (Pareto weights) far
/// more often: owner out-degrees follow a power law.
struct Pool {
    members: Vec<u32>,
    cum: Vec<f64>,
}

/// The Pareto shape of owner attractiveness, and its cap.
const PARETO_ALPHA: f64 = 1.6;
const PARETO_CAP: f64 = 5000.0;

impl Pool {
    fn new(rng: &mut Rng, members: Vec<u32>) -> Pool {
        let cum = running_sums(
            members
                .iter()
                .map(|_| rng.pareto(PARETO_ALPHA).min(PARETO_CAP)),
        );
        Pool { members, cum }
    }

    fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    fn draw(&self, rng: &mut Rng) -> Option<u32> {
        if self.members.is_empty() {
            return None;
        }
        self.members.get(rng.pick(&self.cum)).copied()
    }
}

// ---------------------------------------------------------------- shape

/// Country codes, most common first; weight 1 / rank^1.2 (RU about 35%).
pub const COUNTRIES: [&str; 20] = [
    "RU", "CY", "GB", "US", "DE", "NL", "CH", "VG", "KY", "LU", "FR", "IT", "ES", "SE", "PL", "UA",
    "KZ", "AE", "SG", "HK",
];
const LEVELS: usize = 10;
/// How many companies sit at each level (most are shallow).
const LEVEL_WEIGHTS: [f64; LEVELS] = [
    0.30, 0.22, 0.16, 0.11, 0.08, 0.05, 0.035, 0.022, 0.013, 0.01,
];
/// Owners of a level-0 company (all persons): 0 to 4.
const TOP_OWNERS: [f64; 5] = [0.04, 0.50, 0.27, 0.13, 0.06];
/// Owners of a deeper company besides the one at the level above: 0 to 4.
const EXTRA_OWNERS: [f64; 5] = [0.35, 0.30, 0.18, 0.10, 0.07];
/// Owners of a deposit: 1 to 3.
const DEPOSIT_OWNERS: [f64; 3] = [0.6, 0.3, 0.1];

/// The kinds of entity, in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `p1`, `p2`, ...
    Person,
    /// `c1`, `c2`, ...
    Company,
    /// `d1`, `d2`, ...
    Deposit,
}

impl Kind {
    /// The label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Person => "Person",
            Kind::Company => "Company",
            Kind::Deposit => "Deposit",
        }
    }

    fn prefix(self) -> char {
        match self {
            Kind::Person => 'p',
            Kind::Company => 'c',
            Kind::Deposit => 'd',
        }
    }
}

/// The relation types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelType {
    /// Ownership with a `share` percent.
    Owns,
    /// A company belongs to a group company.
    PartOf,
    /// Two companies signed a memorandum, with its `date`.
    SignedMemorandum,
}

impl RelType {
    /// The type's name.
    pub fn name(self) -> &'static str {
        match self {
            RelType::Owns => "OWNS",
            RelType::PartOf => "PART_OF",
            RelType::SignedMemorandum => "SIGNED_MEMORANDUM",
        }
    }
}

/// A date of year, year-month or full precision (`month`/`day` 0 when
/// absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Day {
    year: u16,
    month: u8,
    day: u8,
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.year)?;
        if self.month > 0 {
            write!(f, "-{:02}", self.month)?;
        }
        if self.day > 0 {
            write!(f, "-{:02}", self.day)?;
        }
        Ok(())
    }
}

/// A random date in the years lo..=hi; `full` forces day precision, else
/// 40% year, 30% year-month, 30% full date.
fn random_day(rng: &mut Rng, lo: u32, hi: u32, full: bool) -> Day {
    let year = rng.between(lo, hi) as u16;
    let precision = if full {
        2
    } else {
        match rng.unit() {
            r if r < 0.4 => 0,
            r if r < 0.7 => 1,
            _ => 2,
        }
    };
    let month = if precision >= 1 {
        rng.between(1, 12) as u8
    } else {
        0
    };
    let day = if precision == 2 {
        rng.between(1, 28) as u8
    } else {
        0
    };
    Day { year, month, day }
}

/// One relation. `share` is in tenths of a percent (OWNS only); `date` is
/// a memorandum's.
#[derive(Debug, Clone, Copy)]
struct Rel {
    ty: RelType,
    from: u32,
    to: u32,
    share: u16,
    since: Option<Day>,
    until: Option<Day>,
    date: Option<Day>,
}

/// A share in tenths as the number written: `12` or `12.5`.
fn share_text(tenths: u16) -> String {
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// A generated graph, ready to be written.
#[derive(Debug)]
pub struct Synthetic {
    spec: Spec,
    persons: u32,
    companies: u32,
    deposits: u32,
    /// Country index of every entity (persons, companies, deposits).
    country: Vec<u8>,
    /// Level of every company.
    level: Vec<u8>,
    rels: Vec<Rel>,
    cycles: usize,
    cycle_companies: usize,
}

/// Generates the graph of `spec`.
pub fn generate(spec: &Spec) -> Result<Synthetic, GenError> {
    let n = spec.entities;
    if !(MIN_ENTITIES..=MAX_ENTITIES).contains(&n) {
        return Err(GenError::Entities(n));
    }
    let mut rng = Rng::new(spec.seed);
    let persons = (n as f64 * 0.20).round() as u32;
    let deposits = ((n as f64 * 0.08).round() as u32).max(1);
    let companies = n as u32 - persons - deposits;
    let first_company = persons;
    let first_deposit = persons + companies;

    let country_cum = running_sums((0..COUNTRIES.len()).map(|i| 1.0 / ((i + 1) as f64).powf(1.2)));
    let country: Vec<u8> = (0..n).map(|_| rng.pick(&country_cum) as u8).collect();
    let level_cum = running_sums(LEVEL_WEIGHTS);
    let level: Vec<u8> = (0..companies).map(|_| rng.pick(&level_cum) as u8).collect();

    let mut by_level: Vec<Vec<u32>> = vec![Vec::new(); LEVELS];
    for (i, &l) in level.iter().enumerate() {
        by_level[l as usize].push(first_company + i as u32);
    }
    let person_pool = Pool::new(&mut rng, (0..persons).collect());
    let level_pools: Vec<Pool> = by_level
        .iter()
        .map(|members| Pool::new(&mut rng, members.clone()))
        .collect();
    let deepest = (0..LEVELS)
        .rev()
        .find(|&l| !level_pools[l].is_empty())
        .unwrap_or(0);

    // Companies in cross-holding cycles of 2 to 4.
    let all_companies: Vec<u32> = (first_company..first_deposit).collect();
    let in_cycles = ((companies as f64 * 0.005).round() as usize).max(2);
    let members = rng.sample(&all_companies, in_cycles);
    let mut cycles: Vec<Vec<u32>> = Vec::new();
    let mut rest = members.as_slice();
    while !rest.is_empty() {
        let k = [2, 2, 3, 3, 4][rng.below(5)].min(rest.len());
        let (group, tail) = rest.split_at(k);
        if group.len() >= 2 {
            cycles.push(group.to_vec());
        }
        rest = tail;
    }
    // For each cycle company, its slot in `cycle_owners` (owners and
    // shares taken so far).
    let mut cycle_slot = vec![u32::MAX; companies as usize];
    let mut cycle_owners: Vec<(Vec<u32>, u16)> = Vec::new();
    for c in cycles.iter().flatten() {
        cycle_slot[(c - first_company) as usize] = cycle_owners.len() as u32;
        cycle_owners.push((Vec::new(), 0));
    }

    let mut rels: Vec<Rel> = Vec::with_capacity(3 * n + 16);
    let top_cum = running_sums(TOP_OWNERS);
    let extra_cum = running_sums(EXTRA_OWNERS);
    let deposit_cum = running_sums(DEPOSIT_OWNERS);
    let mut owners: Vec<u32> = Vec::with_capacity(8);
    let push_owner = |owners: &mut Vec<u32>, o: Option<u32>| {
        if let Some(o) = o {
            if !owners.contains(&o) {
                owners.push(o);
            }
        }
    };

    for c in first_company..first_deposit {
        let lv = level[(c - first_company) as usize] as usize;
        owners.clear();
        if lv == 0 || level_pools[lv - 1].is_empty() {
            for _ in 0..rng.pick(&top_cum) {
                push_owner(&mut owners, person_pool.draw(&mut rng));
            }
        } else {
            push_owner(&mut owners, level_pools[lv - 1].draw(&mut rng));
            for _ in 0..rng.pick(&extra_cum) {
                if rng.chance(0.45) {
                    push_owner(&mut owners, person_pool.draw(&mut rng));
                } else {
                    let from = if rng.chance(0.6) {
                        lv - 1
                    } else {
                        rng.below(lv)
                    };
                    push_owner(&mut owners, level_pools[from].draw(&mut rng));
                }
            }
        }
        let slot = cycle_slot[(c - first_company) as usize];
        let cap = if slot == u32::MAX { 1000 } else { 800 };
        let used = ownership(&mut rng, &mut rels, c, &owners, cap);
        if let Some((taken, sum)) = cycle_owners.get_mut(slot as usize) {
            taken.extend_from_slice(&owners);
            *sum = used;
        }
    }

    for d in first_deposit..n as u32 {
        owners.clear();
        for _ in 0..=rng.pick(&deposit_cum) {
            if rng.chance(0.15) {
                push_owner(&mut owners, person_pool.draw(&mut rng));
            } else {
                let mut lv = rng.pick(&level_cum);
                if level_pools[lv].is_empty() {
                    lv = deepest;
                }
                push_owner(&mut owners, level_pools[lv].draw(&mut rng));
            }
        }
        ownership(&mut rng, &mut rels, d, &owners, 1000);
    }

    // Cross-holdings: each company of a cycle owns a stake in the next,
    // within what is left of the target's 100%.
    for cycle in &cycles {
        for (j, &a) in cycle.iter().enumerate() {
            let b = cycle[(j + 1) % cycle.len()];
            let Some((taken, used)) =
                cycle_owners.get_mut(cycle_slot[(b - first_company) as usize] as usize)
            else {
                continue;
            };
            let room = 1000u16.saturating_sub(*used);
            if room < 1 || taken.contains(&a) {
                continue;
            }
            let mut s = room.min(rng.between(1, 200) as u16);
            if s >= 10 && rng.chance(0.7) {
                s = s / 10 * 10;
            }
            taken.push(a);
            *used += s;
            rels.push(Rel {
                ty: RelType::Owns,
                from: a,
                to: b,
                share: s,
                since: None,
                until: None,
                date: None,
            });
        }
    }

    // Groups: 5% of companies are group companies, 70% of them (after the
    // first) inside an earlier group; 45% of the other companies belong to
    // a group, big groups drawing more members.
    let link = |from: u32, to: u32| Rel {
        ty: RelType::PartOf,
        from,
        to,
        share: 0,
        since: None,
        until: None,
        date: None,
    };
    let groups = rng.sample(&all_companies, (companies as usize / 20).max(1));
    let mut is_group = vec![false; companies as usize];
    for &g in &groups {
        is_group[(g - first_company) as usize] = true;
    }
    for j in 1..groups.len() {
        if rng.chance(0.7) {
            let parent = groups[rng.below(j)];
            rels.push(link(groups[j], parent));
        }
    }
    let group_pool = Pool::new(&mut rng, groups);
    for c in first_company..first_deposit {
        if is_group[(c - first_company) as usize] || !rng.chance(0.45) {
            continue;
        }
        if let Some(g) = group_pool.draw(&mut rng) {
            rels.push(link(c, g));
        }
    }

    // Memoranda between distinct pairs of companies, up to three relations
    // per entity in all.
    let wanted = (3 * n).saturating_sub(rels.len());
    let company_pool = Pool::new(&mut rng, all_companies);
    let mut seen: HashSet<u64> = HashSet::with_capacity(wanted);
    let (mut made, mut tries) = (0, 0);
    while made < wanted && tries < 3 * wanted + 100 {
        tries += 1;
        let a = if rng.chance(0.5) {
            company_pool.draw(&mut rng).unwrap_or(first_company)
        } else {
            first_company + rng.below(companies as usize) as u32
        };
        let b = first_company + rng.below(companies as usize) as u32;
        if a == b || !seen.insert((u64::from(a.min(b)) << 32) | u64::from(a.max(b))) {
            continue;
        }
        let date = random_day(&mut rng, 2000, 2024, true);
        rels.push(Rel {
            ty: RelType::SignedMemorandum,
            from: a,
            to: b,
            share: 0,
            since: None,
            until: None,
            date: Some(date),
        });
        made += 1;
    }

    Ok(Synthetic {
        spec: *spec,
        persons,
        companies,
        deposits,
        country,
        level,
        rels,
        cycle_companies: cycles.iter().map(Vec::len).sum(),
        cycles: cycles.len(),
    })
}

/// Adds the OWNS relations of `owners` into `target`, their shares (in
/// tenths) summing to at most `cap`; returns the sum.
fn ownership(rng: &mut Rng, rels: &mut Vec<Rel>, target: u32, owners: &[u32], cap: u16) -> u16 {
    if owners.is_empty() {
        return 0;
    }
    // The whole of `cap` is held in 55% of targets, some of it otherwise.
    let total = if rng.chance(0.55) {
        cap
    } else {
        rng.between(u32::from(cap.min(200)), u32::from(cap)) as u16
    };
    let weights: Vec<f64> = owners.iter().map(|_| rng.unit() + 0.05).collect();
    let sum: f64 = weights.iter().sum();
    let mut shares: Vec<u16> = weights
        .iter()
        .map(|w| {
            let raw = f64::from(total) * w / sum;
            if rng.chance(0.7) {
                // A whole percent.
                ((raw / 10.0).floor() as u16 * 10).max(10)
            } else {
                (raw.floor() as u16).max(1)
            }
        })
        .collect();
    // Floors can only lose; the minimums can overshoot: take the excess
    // from the largest stakes.
    let mut excess = shares.iter().sum::<u16>().saturating_sub(total);
    while excess > 0 {
        let Some(largest) = shares.iter_mut().max() else {
            break;
        };
        let cut = excess.min(largest.saturating_sub(1));
        if cut == 0 {
            break;
        }
        *largest -= cut;
        excess -= cut;
    }
    for (&o, &share) in owners.iter().zip(&shares) {
        let (mut since, mut until) = (None, None);
        if rng.chance(0.10) {
            match rng.unit() {
                r if r < 0.6 => since = Some(random_day(rng, 1995, 2022, false)),
                r if r < 0.85 => {
                    let s = random_day(rng, 1995, 2015, false);
                    until = Some(random_day(rng, u32::from(s.year) + 1, 2024, false));
                    since = Some(s);
                }
                _ => until = Some(random_day(rng, 2000, 2024, false)),
            }
        }
        rels.push(Rel {
            ty: RelType::Owns,
            from: o,
            to: target,
            share,
            since,
            until,
            date: None,
        });
    }
    shares.iter().sum()
}

// ---------------------------------------------------------------- output

impl Synthetic {
    /// The number of entities.
    pub fn entity_count(&self) -> usize {
        self.spec.entities
    }

    /// The number of relations.
    pub fn relation_count(&self) -> usize {
        self.rels.len()
    }

    fn kind(&self, i: u32) -> Kind {
        if i < self.persons {
            Kind::Person
        } else if i < self.persons + self.companies {
            Kind::Company
        } else {
            Kind::Deposit
        }
    }

    /// The id of entity `i`: `p12`, `c7`, `d3` (numbered from 1 per kind).
    fn id(&self, i: u32) -> Id {
        let kind = self.kind(i);
        let first = match kind {
            Kind::Person => 0,
            Kind::Company => self.persons,
            Kind::Deposit => self.persons + self.companies,
        };
        Id(kind, i - first + 1)
    }

    fn country(&self, i: u32) -> &'static str {
        COUNTRIES[self.country[i as usize] as usize]
    }

    /// Writes the graph file (format version 1, in the canonical layout of
    /// [`crate::graph::to_file_text`]: one entity or relation a line).
    pub fn write_graph(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{{\n  \"kg\": 1,")?;
        writeln!(w, "  \"name\": \"synthetic-{}\",", self.spec.entities)?;
        writeln!(w, "  \"sources\": [],\n  \"entities\": [")?;
        let n = self.spec.entities as u32;
        for i in 0..n {
            let id = self.id(i);
            let label = id.0.label();
            write!(
                w,
                "    {{\"id\": \"{id}\", \"labels\": [\"{label}\"], \"name\": \"{label} {}\", \"props\": {{\"country\": \"{}\"}}}}",
                id.1,
                self.country(i)
            )?;
            w.write_all(if i + 1 < n { b",\n" } else { b"\n" })?;
        }
        writeln!(w, "  ],\n  \"relations\": [")?;
        for (k, r) in self.rels.iter().enumerate() {
            write!(
                w,
                "    {{\"from\": \"{}\", \"type\": \"{}\", \"to\": \"{}\"",
                self.id(r.from),
                r.ty.name(),
                self.id(r.to)
            )?;
            match r.ty {
                RelType::Owns => write!(w, ", \"props\": {{\"share\": {}}}", share_text(r.share))?,
                RelType::PartOf => {}
                RelType::SignedMemorandum => {
                    if let Some(d) = r.date {
                        write!(w, ", \"props\": {{\"date\": \"{d}\"}}")?;
                    }
                }
            }
            if let Some(s) = r.since {
                write!(w, ", \"since\": \"{s}\"")?;
            }
            if let Some(u) = r.until {
                write!(w, ", \"until\": \"{u}\"")?;
            }
            w.write_all(if k + 1 < self.rels.len() {
                b"},\n"
            } else {
                b"}\n"
            })?;
        }
        if self.rels.is_empty() {
            // Never the case for a valid spec; keep the file well-formed.
            writeln!(w)?;
        }
        writeln!(w, "  ]\n}}")
    }

    /// Writes `nodes_<Label>.csv` for `kind`: `id,name,country`.
    fn write_nodes_csv(&self, kind: Kind, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "id,name,country")?;
        for i in 0..self.spec.entities as u32 {
            if self.kind(i) == kind {
                let id = self.id(i);
                writeln!(w, "{id},{} {},{}", kind.label(), id.1, self.country(i))?;
            }
        }
        Ok(())
    }

    /// Writes `rels_<TYPE>_<From>_<To>.csv`: `from_id,to_id`, then
    /// `share,since,until` (OWNS) or `date` (SIGNED_MEMORANDUM).
    fn write_rels_csv(
        &self,
        ty: RelType,
        from: Kind,
        to: Kind,
        w: &mut dyn Write,
    ) -> io::Result<()> {
        match ty {
            RelType::Owns => writeln!(w, "from_id,to_id,share,since,until")?,
            RelType::PartOf => writeln!(w, "from_id,to_id")?,
            RelType::SignedMemorandum => writeln!(w, "from_id,to_id,date")?,
        }
        let text = |d: Option<Day>| d.map(|d| d.to_string()).unwrap_or_default();
        for r in &self.rels {
            if r.ty != ty || self.kind(r.from) != from || self.kind(r.to) != to {
                continue;
            }
            write!(w, "{},{}", self.id(r.from), self.id(r.to))?;
            match ty {
                RelType::Owns => writeln!(
                    w,
                    ",{},{},{}",
                    share_text(r.share),
                    text(r.since),
                    text(r.until)
                )?,
                RelType::PartOf => writeln!(w)?,
                RelType::SignedMemorandum => writeln!(w, ",{}", text(r.date))?,
            }
        }
        Ok(())
    }

    /// The (type, from label, to label) combinations the relations have, in
    /// a fixed order.
    fn type_pairs(&self) -> Vec<((RelType, Kind, Kind), usize)> {
        let mut pairs: Vec<((RelType, Kind, Kind), usize)> = Vec::new();
        for r in &self.rels {
            let key = (r.ty, self.kind(r.from), self.kind(r.to));
            match pairs.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => pairs.push((key, 1)),
            }
        }
        pairs.sort_by_key(|((t, f, to), _)| (t.name(), f.label(), to.label()));
        pairs
    }

    /// Seeded query arguments, from their own random numbers (the graph
    /// does not depend on them): `owned` (10 owned companies and 10 owned
    /// deposits, for Q1/Q2), `persons` (20 owning persons, for Q3),
    /// `pairs` (20 pairs of entities in the ownership network, for Q4).
    pub fn targets(&self) -> Value {
        let mut rng = Rng::new(self.spec.seed.wrapping_mul(7919).wrapping_add(1));
        let n = self.spec.entities;
        let (mut owns_out, mut owned) = (vec![false; n], vec![false; n]);
        for r in self.rels.iter().filter(|r| r.ty == RelType::Owns) {
            owns_out[r.from as usize] = true;
            owned[r.to as usize] = true;
        }
        let ids = |v: Vec<u32>| -> Vec<String> {
            v.into_iter().map(|i| self.id(i).to_string()).collect()
        };
        let of_kind = |flags: &[bool], kind: Kind| -> Vec<u32> {
            (0..n as u32)
                .filter(|&i| flags[i as usize] && self.kind(i) == kind)
                .collect()
        };
        let mut owned_ids = ids(rng.sample(&of_kind(&owned, Kind::Company), 10));
        owned_ids.extend(ids(rng.sample(&of_kind(&owned, Kind::Deposit), 10)));
        let persons = ids(rng.sample(&of_kind(&owns_out, Kind::Person), 20));
        let connected: Vec<u32> = (0..n as u32)
            .filter(|&i| owns_out[i as usize] || owned[i as usize])
            .collect();
        let pairs: Vec<Vec<String>> = (0..20).map(|_| ids(rng.sample(&connected, 2))).collect();
        json!({
            "seed": self.spec.seed,
            "owned": owned_ids,
            "persons": persons,
            "pairs": pairs,
        })
    }

    /// Counts: entities by kind, relations by type and by (type, from,
    /// to), dated stakes, cycles, companies by level, the largest owner
    /// out-degrees.
    pub fn meta(&self) -> Value {
        let mut by_type = serde_json::Map::new();
        let mut by_pair = serde_json::Map::new();
        for ((t, f, to), count) in self.type_pairs() {
            let entry = by_type.entry(t.name()).or_insert(json!(0));
            *entry = json!(entry.as_u64().unwrap_or(0) + count as u64);
            by_pair.insert(
                format!("{} {}->{}", t.name(), f.label(), to.label()),
                json!(count),
            );
        }
        let mut out_degree = vec![0u32; self.spec.entities];
        let mut dated = 0;
        for r in self.rels.iter().filter(|r| r.ty == RelType::Owns) {
            out_degree[r.from as usize] += 1;
            if r.since.is_some() || r.until.is_some() {
                dated += 1;
            }
        }
        let mut degrees: Vec<u32> = out_degree.into_iter().filter(|&d| d > 0).collect();
        degrees.sort_unstable_by(|a, b| b.cmp(a));
        let mut levels = vec![0usize; LEVELS];
        for &l in &self.level {
            levels[l as usize] += 1;
        }
        json!({
            "generator": "kg gen",
            "entities": self.spec.entities,
            "seed": self.spec.seed,
            "persons": self.persons,
            "companies": self.companies,
            "deposits": self.deposits,
            "relations": self.rels.len(),
            "by_type": by_type,
            "by_type_pair": by_pair,
            "owns_dated": dated,
            "cycles": self.cycles,
            "cycle_companies": self.cycle_companies,
            "companies_by_level": levels,
            "owners": degrees.len(),
            "max_owner_out_degree": degrees.iter().take(10).collect::<Vec<_>>(),
            "owners_with_100plus": degrees.iter().filter(|&&d| d >= 100).count(),
        })
    }

    /// Writes the files into the folder `dir` (created with its parents
    /// when missing), each atomically: `graph.json`, `targets.json`,
    /// `meta.json`, and with `csv` the peers' CSV files
    /// (`nodes_<Label>.csv`, `rels_<TYPE>_<From>_<To>.csv`). Returns the
    /// names written.
    pub fn write_dir(&self, dir: &Path, csv: bool) -> Result<Vec<String>, GenError> {
        if dir.exists() && !dir.is_dir() {
            return Err(GenError::NotAFolder(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(|e| GenError::Io {
            path: dir.to_path_buf(),
            message: format!("cannot create the folder ({e}); give --out a folder that can be created and written"),
        })?;
        let mut written = Vec::new();
        let mut put = |name: String, fill: &dyn Fn(&mut dyn Write) -> io::Result<()>| {
            write_atomic_with(&dir.join(&name), fill).map_err(|e| GenError::Io {
                path: dir.join(&name),
                message: format!(
                    "cannot write ({}); nothing of this file was left behind",
                    match e {
                        crate::export::ExportError::Io { message, .. } => message,
                        other => other.to_string(),
                    }
                ),
            })?;
            written.push(name);
            Ok::<(), GenError>(())
        };
        put("graph.json".into(), &|w| self.write_graph(w))?;
        if csv {
            for kind in [Kind::Person, Kind::Company, Kind::Deposit] {
                put(format!("nodes_{}.csv", kind.label()), &|w| {
                    self.write_nodes_csv(kind, w)
                })?;
            }
            for ((t, f, to), _) in self.type_pairs() {
                put(
                    format!("rels_{}_{}_{}.csv", t.name(), f.label(), to.label()),
                    &|w| self.write_rels_csv(t, f, to, w),
                )?;
            }
        }
        let pretty = |v: Value| {
            move |w: &mut dyn Write| {
                serde_json::to_writer_pretty(&mut *w, &v).map_err(io::Error::from)?;
                writeln!(w)
            }
        };
        put("targets.json".into(), &pretty(self.targets()))?;
        put("meta.json".into(), &pretty(self.meta()))?;
        Ok(written)
    }
}

/// An entity id: kind and number.
struct Id(Kind, u32);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.0.prefix(), self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_the_same_everywhere() {
        // Pinned first outputs: a change of the generator changes every
        // generated graph, and must be deliberate.
        let mut rng = Rng::new(42);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            vec![
                1546998764402558742,
                6990951692964543102,
                12544586762248559009
            ]
        );
        assert_ne!(Rng::new(43).next_u64(), Rng::new(42).next_u64());
    }

    #[test]
    fn draws_stay_in_range() {
        let mut rng = Rng::new(1);
        for _ in 0..10_000 {
            assert!((3..=5).contains(&rng.between(3, 5)));
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(rng.pareto(PARETO_ALPHA) >= 1.0);
            assert!(rng.pick(&[0.5, 0.5, 1.0]) != 1);
        }
        let s = rng.sample(&[1, 2, 3, 4, 5], 5);
        let mut sorted = s.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn shares_and_dates_are_written_as_kg_reads_them() {
        assert_eq!(share_text(125), "12.5");
        assert_eq!(share_text(1000), "100");
        assert_eq!(share_text(3), "0.3");
        let d = Day {
            year: 2019,
            month: 3,
            day: 0,
        };
        assert_eq!(d.to_string(), "2019-03");
        assert!(crate::graph::Date::parse(&d.to_string()).is_ok());
    }

    #[test]
    fn too_few_entities_are_refused() {
        for n in [0, 1, MIN_ENTITIES - 1] {
            assert!(matches!(
                generate(&Spec { entities: n, seed: 1 }),
                Err(GenError::Entities(m)) if m == n
            ));
        }
    }

    #[test]
    fn shares_into_a_target_never_pass_100() {
        let g = generate(&Spec {
            entities: 5000,
            seed: 3,
        })
        .unwrap_or_else(|e| unreachable!("{e}"));
        let mut into = vec![0u32; 5000];
        for r in g.rels.iter().filter(|r| r.ty == RelType::Owns) {
            assert!(r.share >= 1);
            into[r.to as usize] += u32::from(r.share);
        }
        assert!(into.iter().all(|&s| s <= 1000));
        assert!(g.cycles >= 1);
    }
}
