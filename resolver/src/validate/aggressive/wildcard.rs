//! Wildcard answers synthesised from the validated cache (RFC 8198 5.3):
//! when the kept NSEC or NSEC3 records prove that a name does not exist
//! and name the wildcard at its closest encloser, and a validated RRset
//! of that wildcard is cached (kept under the wildcard's own name when an
//! expansion of it validated), the answer is that RRset with the name as
//! its owner, its RRSIGs (which sign the wildcard, so every expansion)
//! and the proof, as an authoritative server would give it. It is
//! validated again like any answer.

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, Record, RecordType};

use super::NsecCache;
use crate::cache::{Cache, Data, Freshness, Security};
use crate::iterate::Resolution;
use crate::records::{record, records, wire_name};
use crate::validate::denial::wildcard;

impl NsecCache {
    /// The answer to `qname` `qtype` that a cached, validated wildcard
    /// RRset gives, when the kept NSEC/NSEC3 records prove `qname` absent.
    pub fn synthesise(
        &self,
        qname: &Name,
        qtype: RecordType,
        cache: &Cache,
        now: u64,
    ) -> Option<Resolution> {
        if matches!(
            qtype,
            RecordType::ANY
                | RecordType::CNAME
                | RecordType::DS
                | RecordType::NSEC
                | RecordType::NSEC3
                | RecordType::RRSIG
        ) {
            return None;
        }
        let source = |star: &Name| {
            let hit = cache.get(&wire_name(star), u16::from(qtype), now)?;
            match (hit.freshness, hit.data) {
                (Freshness::Fresh(ttl), Data::RRset(rrset))
                    if rrset.security.get() == Security::Secure =>
                {
                    Some((ttl, rrset))
                }
                _ => None,
            }
        };
        // NSEC: the record covering the name names its closest encloser.
        // NSEC3: a cached wildcard proves its encloser exists, and the
        // record covering the next closer name that nothing lies between.
        let ((ttl, rrset), proof) = match self.nsec_wildcard(qname, now) {
            Some((star, proof)) => (source(&star)?, proof),
            None => {
                let mut encloser = qname.base_name();
                loop {
                    let found = wildcard(&encloser).and_then(|star| source(&star));
                    if let Some(found) = found {
                        break (found, self.nsec3.next_closer_cover(qname, &encloser, now)?);
                    }
                    if encloser.is_root() {
                        return None;
                    }
                    encloser = encloser.base_name();
                }
            }
        };
        let mut answers: Vec<Record> = records(qname, qtype, &rrset, ttl).collect();
        answers.extend(
            rrset
                .signatures()
                .filter_map(|sig| record(qname, RecordType::RRSIG, ttl, sig)),
        );
        let mut resolution = Resolution::denial(ResponseCode::NoError, proof);
        resolution.answers = answers;
        Some(resolution)
    }
}
