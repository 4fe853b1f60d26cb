//! What a run found: per counter, how many rows it checked, fixed and
//! left because a write held them, and a few of the fixed rows with their
//! stored and recounted value. Pure, so the page and the job's log line
//! read the same totals.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Counter;

/// How many fixed rows a counter's report names; the rest are counted.
pub const EXAMPLES: usize = 10;

/// One fixed row: its id (the post, comment, account or inbox's user),
/// what was stored and what it holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub id: Uuid,
    pub was: i64,
    pub now: i64,
}

/// One counter's part of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterReport {
    pub counter: Counter,
    /// Rows whose counter was compared with a recount.
    pub checked: i64,
    /// Rows whose counter was wrong and is now right.
    pub fixed: i64,
    /// Rows found wrong but locked by a write at the time: left for the
    /// next run rather than waited for.
    pub busy: i64,
    /// Up to `EXAMPLES` of the fixed rows, in id order.
    pub examples: Vec<Fix>,
}

impl CounterReport {
    /// A counter's report from every row it fixed, keeping the first
    /// `EXAMPLES` by id.
    pub fn new(counter: Counter, checked: i64, busy: i64, mut fixes: Vec<Fix>) -> CounterReport {
        fixes.sort_by_key(|f| f.id);
        let fixed = fixes.len() as i64;
        fixes.truncate(EXAMPLES);
        CounterReport { counter, checked, fixed, busy, examples: fixes }
    }
}

/// A whole run, one report per counter in `Counter::ALL`'s order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub counters: Vec<CounterReport>,
}

impl Report {
    pub fn checked(&self) -> i64 {
        self.counters.iter().map(|c| c.checked).sum()
    }

    pub fn fixed(&self) -> i64 {
        self.counters.iter().map(|c| c.fixed).sum()
    }

    pub fn busy(&self) -> i64 {
        self.counters.iter().map(|c| c.busy).sum()
    }

    /// The counters that had something fixed.
    pub fn drifted(&self) -> impl Iterator<Item = &CounterReport> {
        self.counters.iter().filter(|c| c.fixed > 0)
    }

    /// One line for the page and the log: "All 1200 counters were right.",
    /// "Fixed 3 counters in 2 columns; 1 busy, left for the next run."
    pub fn summary(&self) -> String {
        let checked = self.checked();
        let fixed = self.fixed();
        let busy = self.busy();
        let mut line = if fixed == 0 {
            format!("All {checked} {} right.", if checked == 1 { "counter was" } else { "counters were" })
        } else {
            let columns = self.drifted().count() as i64;
            format!(
                "Fixed {} in {} of {checked} checked.",
                crate::ui::exact_count(fixed, "counter", "counters"),
                crate::ui::exact_count(columns, "column", "columns"),
            )
        };
        if busy > 0 {
            line.push_str(&format!(" {busy} busy, left for the next run."));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(n: u128, was: i64, now: i64) -> Fix {
        Fix { id: Uuid::from_u128(n), was, now }
    }

    #[test]
    fn a_counters_report_counts_every_fix_and_names_the_first_by_id() {
        let fixes: Vec<Fix> = (0..25u128).rev().map(|n| fix(n, 5, 4)).collect();
        let report = CounterReport::new(Counter::PostLikes, 100, 0, fixes);
        assert_eq!(report.fixed, 25);
        assert_eq!(report.examples.len(), EXAMPLES);
        assert_eq!(report.examples[0], fix(0, 5, 4));
        assert_eq!(report.examples[EXAMPLES - 1], fix(EXAMPLES as u128 - 1, 5, 4));
    }

    #[test]
    fn the_summary_says_what_was_fixed_and_what_waits() {
        let clean = Report {
            counters: vec![
                CounterReport::new(Counter::PostLikes, 3, 0, vec![]),
                CounterReport::new(Counter::UserPosts, 2, 0, vec![]),
            ],
        };
        assert_eq!(clean.summary(), "All 5 counters were right.");
        let one = Report { counters: vec![CounterReport::new(Counter::PostLikes, 1, 0, vec![])] };
        assert_eq!(one.summary(), "All 1 counter was right.");
        let drifted = Report {
            counters: vec![
                CounterReport::new(Counter::PostLikes, 10, 1, vec![fix(1, 3, 2), fix(2, 0, 1)]),
                CounterReport::new(Counter::InboxUnread, 4, 0, vec![fix(3, 9, 0)]),
                CounterReport::new(Counter::UserPosts, 6, 0, vec![]),
            ],
        };
        assert_eq!((drifted.checked(), drifted.fixed(), drifted.busy()), (20, 3, 1));
        assert_eq!(drifted.summary(), "Fixed 3 counters in 2 columns of 20 checked. 1 busy, left for the next run.");
    }

    #[test]
    fn a_report_survives_its_json_round_trip() {
        let report = Report { counters: vec![CounterReport::new(Counter::CommentLikes, 2, 0, vec![fix(7, 1, 0)])] };
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains("\"comment_likes\""), "{json}");
        assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), report);
    }
}
