//! What validation makes of an answer for one client: AD or not, a
//! bogus answer's SERVFAIL with its Extended DNS Error, the root key
//! sentinel (RFC 8509), and whether a cached verdict may answer at once.

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RecordType};
use zone_loader::wire::query::Query;

use super::{Ede, Frontend, Outcome};
use crate::cache;
use crate::iterate::Resolution;
use crate::validate::Security;
use crate::validate::sentinel::Sentinel;

impl Frontend {
    /// Whether cached data with `verdict` may answer `query` now, and with
    /// AD: validated data answers (AD when the client set DO or AD);
    /// unchecked or bogus data takes the full path, unless the client set
    /// CD or validation is off.
    pub(super) fn servable(&self, query: &Query, verdict: cache::Security) -> Option<bool> {
        let Some(validation) = self.resolver.validation() else {
            return Some(false);
        };
        if query.checking_disabled() {
            return Some(false);
        }
        if validation.negative().covers_wire(query.qname()) {
            // RFC 7646: not validated, so never AD; a bogus verdict from
            // before the anchor takes the full path, which says insecure.
            return (verdict != cache::Security::Bogus).then_some(false);
        }
        match verdict {
            cache::Security::Secure => Some(wants_ad(query)),
            cache::Security::Insecure => Some(false),
            cache::Security::Unchecked | cache::Security::Bogus => None,
        }
    }

    /// The verdict on a resolution: AD or not, or SERVFAIL with the
    /// Extended DNS Error of a bogus answer. CD skips validation.
    pub(super) async fn checked(
        &self,
        query: &Query,
        name: &Name,
        qtype: RecordType,
        resolution: Resolution,
    ) -> Outcome {
        if query.checking_disabled() || self.resolver.validation().is_none() {
            return Outcome::Resolved(resolution, false);
        }
        let (resolution, security) = self
            .resolver
            .validate_or_retry(name, qtype, resolution)
            .await;
        match security {
            // RFC 8509 3.2: a sentinel label false of the root's anchors.
            Security::Secure
                if Sentinel::of(query.qname(), query.qtype)
                    .zip(self.resolver.validation())
                    .is_some_and(|(sentinel, v)| sentinel.fails(v.anchors())) =>
            {
                Outcome::Rcode(ResponseCode::ServFail, Some(Ede(0, "root key sentinel")))
            }
            Security::Secure => Outcome::Resolved(resolution, wants_ad(query)),
            Security::Insecure => Outcome::Resolved(resolution, false),
            Security::Bogus(reason) => {
                tracing::debug!("{name} {qtype}: bogus ({reason:?})");
                let (code, text) = reason.ede();
                Outcome::Rcode(ResponseCode::ServFail, Some(Ede(code, text)))
            }
        }
    }
}

/// Whether the client asked to hear about validation: DO or AD set
/// (RFC 6840 5.7). An answer to a query for RRSIGs is never AD: they are
/// not an RRset that can be validated as such (RFC 4035 3.2.3).
fn wants_ad(query: &Query) -> bool {
    query.qtype != u16::from(RecordType::RRSIG)
        && (query.edns.is_some_and(|e| e.dnssec_ok) || query.authentic_data())
}
