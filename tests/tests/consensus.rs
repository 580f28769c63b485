//! The 2-of-3 consensus of Knot DNS, NSD and BIND, and authdns's match
//! against it and against each peer. Where two peers agree, that is the
//! answer authdns must give, unless the difference is justified with the
//! RFC that allows it; where all three differ, authdns must give one of
//! their answers, or differ from one of them as the RFC allows.

/// The peers, in the order their answers are given.
pub(crate) const PEERS: [&str; 3] = ["knot", "nsd", "bind"];

/// Least share of the corpus on which authdns must give the consensus answer.
pub(crate) const MIN_AGREEMENT: f64 = 0.99;

/// The answer two or three peers gave, if any.
pub(crate) fn consensus(answers: &[String; 3]) -> Option<&str> {
    let [a, b, c] = answers;
    if a == b || a == c {
        Some(a)
    } else if b == c {
        Some(b)
    } else {
        None
    }
}

/// Counts over one corpus.
#[derive(Default)]
pub(crate) struct Tally {
    cases: usize,
    with_peer: [usize; 3],
    agreed: usize,
    no_majority: usize,
    justified: Vec<String>,
    differences: Vec<String>,
}

impl Tally {
    /// Records one question: `what` it was, the peers' answers, authdns's,
    /// and `justify`, which is asked about a difference from the consensus
    /// (given the consensus answer) and names the RFC that allows it.
    pub(crate) fn record(
        &mut self,
        what: &str,
        theirs: &[String; 3],
        mine: &str,
        justify: impl Fn(&str) -> Option<&'static str>,
    ) {
        self.cases += 1;
        for (count, answer) in self.with_peer.iter_mut().zip(theirs) {
            *count += usize::from(answer == mine);
        }
        let Some(agreed) = consensus(theirs) else {
            self.no_majority += 1;
            if theirs.iter().any(|t| t == mine) {
                self.agreed += 1;
                return;
            }
            let report = format!(
                "{what} (no two peers agree):\n--- knot\n{}\n--- nsd\n{}\n--- bind\n{}\n--- authdns\n{}\n",
                theirs[0].trim_end(),
                theirs[1].trim_end(),
                theirs[2].trim_end(),
                mine.trim_end()
            );
            match theirs.iter().find_map(|t| justify(t)) {
                Some(reason) => self
                    .justified
                    .push(format!("{report}--- justified: {reason}")),
                None => self.differences.push(report),
            }
            return;
        };
        if agreed == mine {
            self.agreed += 1;
            return;
        }
        let report = format!(
            "{what}:\n--- consensus\n{}\n--- authdns\n{}\n",
            agreed.trim_end(),
            mine.trim_end()
        );
        match justify(agreed) {
            Some(reason) => self
                .justified
                .push(format!("{report}--- justified: {reason}")),
            None => self.differences.push(report),
        }
    }

    /// Prints the match rates and fails on any unjustified difference or
    /// an agreement below [`MIN_AGREEMENT`].
    pub(crate) fn check(&self, corpus: &str) {
        let rate = |n: usize| 100.0 * n as f64 / self.cases.max(1) as f64;
        let peers: Vec<String> = PEERS
            .iter()
            .zip(self.with_peer)
            .map(|(peer, n)| format!("{peer} {n}/{} ({:.1}%)", self.cases, rate(n)))
            .collect();
        eprintln!(
            "{corpus}: authdns matches {}; the 2-of-3 consensus {}/{} ({:.1}%); {} justified, {} without a majority",
            peers.join(", "),
            self.agreed,
            self.cases,
            rate(self.agreed),
            self.justified.len(),
            self.no_majority,
        );
        for justified in &self.justified {
            eprintln!("{justified}");
        }
        assert!(
            self.differences.is_empty(),
            "{corpus}: {} of {} answers differ from the consensus of Knot DNS, NSD and BIND:\n{}",
            self.differences.len(),
            self.cases,
            self.differences.join("\n")
        );
        assert!(
            rate(self.agreed) >= 100.0 * MIN_AGREEMENT,
            "{corpus}: authdns gives the consensus answer on {:.1}% of the corpus",
            rate(self.agreed)
        );
    }
}
