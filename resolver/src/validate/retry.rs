//! A bogus answer asked again of the zone's other servers before it is
//! declared bogus (Unbound's `val-bogus` retry): one server with broken
//! signatures, a stale copy of the zone or a man in the middle must not
//! make a whole zone fail. The servers that gave the bogus answer are
//! held back (so the others are asked first), the bogus data is dropped
//! from the cache, and the question resolved again, at most
//! [`MAX_BOGUS_RETRIES`] times; so are a zone's bogus DNSKEY RRset and a
//! bogus DS answer from its parent ([`super::keys`]), at most
//! [`MAX_BOGUS_RETRIES`] times over one validation.

use hickory_proto::rr::{Name, RData, RecordType};

use super::Security;
use crate::iterate::{Budget, Resolution, Resolver};
use crate::records::wire_name;

/// Times a bogus answer is resolved again (Unbound restarts a bogus
/// validation a few times, each time without the servers that gave it).
pub const MAX_BOGUS_RETRIES: usize = 2;

impl Resolver {
    /// The verdict on `resolution`, the answer to `qname` `qtype`, as
    /// [`Self::validate`] gives it; when that is bogus and the answer
    /// came from the authorities, the question is asked again of the
    /// zone's other servers first. Returns the answer the verdict is on.
    pub async fn validate_or_retry(
        &self,
        qname: &Name,
        qtype: RecordType,
        mut resolution: Resolution,
    ) -> (Resolution, Security) {
        let mut security = self.validate(qname, qtype, &resolution).await;
        for _ in 0..MAX_BOGUS_RETRIES {
            // From the cache (RD=0, or bogus data already judged): there
            // is no server to avoid, and an RD=0 query asks nobody.
            if !matches!(security, Security::Bogus(_)) || resolution.sources.is_empty() {
                break;
            }
            let again = self
                .resolve_again(qname, qtype, &resolution, &mut self.budget())
                .await;
            let Some(again) = again else {
                break;
            };
            resolution = again;
            security = self.validate(qname, qtype, &resolution).await;
        }
        (resolution, security)
    }

    /// `qname` `qtype` resolved again, its upstream queries counted in
    /// `budget`, after `resolution` was found bogus: the servers it came
    /// from (if it did not come from the cache) held back and its data
    /// dropped from the cache, so that other servers are asked first.
    /// `None` when resolution fails.
    pub(super) async fn resolve_again(
        &self,
        qname: &Name,
        qtype: RecordType,
        resolution: &Resolution,
        budget: &mut Budget,
    ) -> Option<Resolution> {
        self.forget(qname, qtype, resolution);
        self.resolve_counted(qname, qtype, budget).await.ok()
    }

    /// Holds back the servers `resolution` came from and drops its data
    /// from the cache, so that it is asked again, of other servers first.
    fn forget(&self, qname: &Name, qtype: RecordType, resolution: &Resolution) {
        let now = std::time::Instant::now();
        for source in &resolution.sources {
            self.servers().failed(*source, now);
        }
        let cache = self.cache();
        for record in &resolution.answers {
            cache.forget(&wire_name(&record.name), u16::from(record.record_type()));
        }
        let end = resolution
            .answers
            .iter()
            .rev()
            .find_map(|r| match &r.data {
                RData::CNAME(target) => Some(target.0.clone()),
                _ => None,
            })
            .unwrap_or_else(|| qname.clone());
        cache.forget(&wire_name(&end), u16::from(qtype));
    }
}
