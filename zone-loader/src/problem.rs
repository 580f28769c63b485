//! Errors and warnings about a zone, each with the file and line it names.
//!
//! Errors reject the zone; warnings do not. `zone-loader check` prints all
//! of them; a server logs them and keeps the last good version serving.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::lexer::LexError;
use crate::rdata::RdataErrorKind;
use crate::wire::name::NameError;

/// Whether a problem rejects the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The zone is not loaded.
    Error,
    /// Reported; the zone loads (possibly normalised).
    Warning,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file could not be split into tokens.
    Lex(LexError),
    /// The owner name is invalid.
    BadOwner(NameError),
    /// An entry with no owner and no previous owner to repeat.
    NoPreviousOwner,
    /// No record type where one was expected, or an unknown mnemonic.
    UnknownType,
    /// A class other than IN, CH, HS or CLASSnnn.
    UnknownClass,
    /// A class other than the zone's (IN).
    WrongClass,
    /// A meta type (OPT, ANY, AXFR...) written as data.
    MetaType,
    /// Neither the record nor `$TTL` nor an earlier record gives a TTL.
    NoTtl,
    /// The rdata is invalid.
    Rdata(RdataErrorKind),
    /// An unknown `$` directive.
    UnknownDirective,
    /// A directive's arguments are wrong; says which.
    BadDirective(&'static str),
    /// `$INCLUDE` nested deeper than the limit.
    IncludeTooDeep,
    /// A file (the zone or an include) could not be read.
    Unreadable(std::io::ErrorKind),
    /// A zone or included file is not a regular file (a directory, device or FIFO).
    NotAFile,
    /// A `$GENERATE` is malformed; says why.
    BadGenerate(&'static str),
    /// The owner is outside the zone's origin.
    OutOfZone,
    /// The zone has no SOA at its apex.
    NoSoa,
    /// More than one SOA record at the apex.
    MultipleSoa,
    /// An SOA record below the apex.
    SoaNotAtApex,
    /// The apex has no NS records.
    NoApexNs,
    /// CNAME at a name that has other data (RFC 1034 3.6.2, RFC 2181 10.1).
    CnameAndOtherData,
    /// More than one CNAME record at a name.
    MultipleCnames,
    /// More than one DNAME record at a name (RFC 6672 2.4).
    MultipleDnames,
    /// An in-bailiwick NS target without address records (warning).
    NsWithoutGlue(String),
    /// An in-zone NS, MX or SRV target that cannot serve as one: an
    /// error for the apex NS, a warning for the others (as named-checkzone).
    BadTarget {
        /// NS, MX or SRV.
        rtype: u16,
        /// The target, in presentation form.
        target: String,
        /// What is wrong with it.
        fault: TargetFault,
    },
    /// A DS RRset at the apex: it belongs in the parent (RFC 4034 5).
    DsAtApex,
    /// NS records at a wildcard name (RFC 4592 4.2; BIND rejects them).
    WildcardNs,
    /// An NSEC3PARAM RRset with no SHA-1 (algorithm 1) record (RFC 5155 11).
    Nsec3ParamUnsupported,
    /// A CDS or CDNSKEY RRset naming an algorithm no DNSKEY has, or a
    /// delete record beside others (RFC 7344 4.1, RFC 8078 4).
    CdsWithoutDnskey(u16),
    /// TTLs differ inside an RRset; all set to the first (warning, RFC 2181 5.2).
    TtlMismatch {
        /// The TTL kept.
        kept: u32,
        /// The TTL replaced.
        found: u32,
    },
    /// A TTL from 2^31 to 2^32 - 1, read as 0 as BIND does (warning, RFC 2181 8).
    TtlAboveMax,
    /// The same record twice; the copy is dropped (warning).
    Duplicate,
    /// Names below a delegation or DNAME that are not glue are never served (warning).
    OccludedData,
    /// The zone's data exceeds the 4 GiB its indexes can address.
    ZoneTooLarge,
    /// A signed zone's authoritative name without an NSEC (warning).
    NsecMissing,
    /// An NSEC whose next name is not the next name of the zone (warning).
    NsecNext {
        /// The next name in the zone.
        expected: String,
        /// The NSEC's next name.
        found: String,
    },
    /// NSEC3 records but no NSEC3PARAM at the apex (warning).
    Nsec3ParamMissing,
    /// An NSEC3 whose algorithm, iterations or salt differ from the
    /// NSEC3PARAM's (warning).
    Nsec3ParamMismatch,
    /// An NSEC3 whose next hash is not the next hash of the chain (warning).
    Nsec3Next,
    /// More NSEC3 iterations than validators accept (RFC 9276 3.2; warning).
    Nsec3Iterations(u16),
    /// Signatures past their expiration (warning): how many.
    RrsigExpired(usize),
    /// Signatures expiring within a week (warning): how many, and the
    /// hours left to the first.
    RrsigExpiring {
        /// Signatures expiring within a week.
        count: usize,
        /// Hours until the first expires.
        hours: u32,
    },
}

impl ProblemKind {
    /// The name of the check that found the problem, as `zone-loader
    /// check` prints it beside each line.
    pub fn check(&self) -> &'static str {
        match self {
            Self::Lex(_) => "syntax",
            Self::BadOwner(_) | Self::NoPreviousOwner => "owner",
            Self::UnknownType | Self::MetaType => "type",
            Self::UnknownClass | Self::WrongClass => "class",
            Self::NoTtl | Self::TtlAboveMax => "ttl",
            Self::Rdata(_) => "rdata",
            Self::UnknownDirective | Self::BadDirective(_) | Self::IncludeTooDeep => "directive",
            Self::Unreadable(_) | Self::NotAFile => "file",
            Self::BadGenerate(_) => "generate",
            Self::OutOfZone => "out-of-zone",
            Self::NoSoa | Self::MultipleSoa | Self::SoaNotAtApex => "soa",
            Self::NoApexNs => "apex-ns",
            Self::CnameAndOtherData | Self::MultipleCnames => "cname",
            Self::MultipleDnames => "dname",
            Self::NsWithoutGlue(_) => "glue",
            Self::BadTarget { rtype, .. } => match *rtype {
                crate::rtype::code::NS => "ns-target",
                crate::rtype::code::MX => "mx-target",
                _ => "srv-target",
            },
            Self::DsAtApex => "ds-at-apex",
            Self::WildcardNs => "wildcard-ns",
            Self::Nsec3ParamUnsupported => "nsec3param",
            Self::CdsWithoutDnskey(_) => "cds-dnskey",
            Self::TtlMismatch { .. } => "rrset-ttl",
            Self::Duplicate => "duplicate",
            Self::OccludedData => "occluded",
            Self::ZoneTooLarge => "size",
            Self::NsecMissing | Self::NsecNext { .. } => "nsec",
            Self::Nsec3ParamMissing
            | Self::Nsec3ParamMismatch
            | Self::Nsec3Next
            | Self::Nsec3Iterations(_) => "nsec3",
            Self::RrsigExpired(_) | Self::RrsigExpiring { .. } => "rrsig-expiry",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Lex(e) => e.fmt(f),
            Self::BadOwner(e) => write!(f, "invalid owner name: {e}"),
            Self::NoPreviousOwner => {
                f.write_str("no owner name and no previous record to take it from")
            }
            Self::UnknownType => f.write_str("missing or unknown record type"),
            Self::UnknownClass => f.write_str("unknown class"),
            Self::WrongClass => f.write_str("class differs from the zone's class IN"),
            Self::MetaType => f.write_str("meta type cannot be zone data"),
            Self::NoTtl => f.write_str("no TTL: give one, or set $TTL"),
            Self::Rdata(e) => e.fmt(f),
            Self::UnknownDirective => f.write_str("unknown directive"),
            Self::BadDirective(why) => f.write_str(why),
            Self::IncludeTooDeep => f.write_str("$INCLUDE nested too deep"),
            Self::Unreadable(kind) => write!(f, "cannot read file: {kind}"),
            Self::NotAFile => f.write_str("not a regular file"),
            Self::BadGenerate(why) => write!(f, "invalid $GENERATE: {why}"),
            Self::OutOfZone => f.write_str("owner is outside the zone"),
            Self::NoSoa => f.write_str("no SOA record at the zone apex"),
            Self::MultipleSoa => f.write_str("more than one SOA record at the apex"),
            Self::SoaNotAtApex => f.write_str("SOA record not at the zone apex"),
            Self::NoApexNs => f.write_str("no NS records at the zone apex"),
            Self::CnameAndOtherData => f.write_str("CNAME and other data at the same name"),
            Self::MultipleCnames => f.write_str("more than one CNAME record at the same name"),
            Self::MultipleDnames => f.write_str("more than one DNAME record at the same name"),
            Self::NsWithoutGlue(target) => write!(f, "NS target {target} has no A or AAAA records"),
            Self::BadTarget {
                rtype,
                target,
                fault,
            } => write!(
                f,
                "{} target {target} {fault}",
                crate::rtype::mnemonic(*rtype)
            ),
            Self::DsAtApex => {
                f.write_str("DS record at the zone apex: it belongs in the parent zone")
            }
            Self::WildcardNs => f.write_str("NS records at a wildcard name"),
            Self::Nsec3ParamUnsupported => {
                f.write_str("NSEC3PARAM with no supported hash algorithm (only 1, SHA-1)")
            }
            Self::CdsWithoutDnskey(rtype) => write!(
                f,
                "{} names an algorithm no DNSKEY at the apex has, or a delete record is not alone",
                crate::rtype::mnemonic(*rtype)
            ),
            Self::TtlMismatch { kept, found } => write!(
                f,
                "TTL {found} differs from the RRset's TTL {kept}; using {kept}"
            ),
            Self::TtlAboveMax => {
                f.write_str("TTL above 2147483647 (RFC 2181 8); using 0, as BIND does")
            }
            Self::Duplicate => f.write_str("duplicate record dropped"),
            Self::OccludedData => {
                f.write_str("data below a delegation or DNAME is occluded and not served")
            }
            Self::ZoneTooLarge => f.write_str("zone data exceeds 4 GiB"),
            Self::NsecMissing => f.write_str("signed zone: this name has no NSEC record"),
            Self::NsecNext { expected, found } => write!(
                f,
                "NSEC chain broken: the next name is {found}, but the zone's next name is {expected}"
            ),
            Self::Nsec3ParamMissing => f.write_str("NSEC3 records but no NSEC3PARAM at the apex"),
            Self::Nsec3ParamMismatch => {
                f.write_str("NSEC3 hash algorithm, iterations or salt differ from the NSEC3PARAM's")
            }
            Self::Nsec3Next => f.write_str(
                "NSEC3 chain broken: the next hashed owner is not the next NSEC3 of the zone",
            ),
            Self::Nsec3Iterations(n) => write!(
                f,
                "NSEC3 with {n} iterations: validating resolvers treat more than 100 as insecure \
                 (RFC 9276 asks for 0)"
            ),
            Self::RrsigExpired(count) => write!(f, "{count} RRSIG(s) have expired"),
            Self::RrsigExpiring { count, hours } => write!(
                f,
                "{count} RRSIG(s) expire within 7 days, the first in {hours} hours: re-sign the zone"
            ),
        }
    }
}

/// Why an NS, MX or SRV target in the zone cannot serve as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetFault {
    /// No A or AAAA records (or the name does not exist).
    NoAddress,
    /// The name is a CNAME (RFC 2181 10.3).
    Cname,
    /// The name is below this DNAME (RFC 6672 3).
    BelowDname(String),
}

impl fmt::Display for TargetFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAddress => f.write_str("has no address records (A or AAAA)"),
            Self::Cname => f.write_str("is a CNAME (illegal, RFC 2181 10.3)"),
            Self::BelowDname(dname) => write!(f, "is below the DNAME {dname} (illegal)"),
        }
    }
}

/// A problem found in a zone, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (the zone or an included file).
    pub file: Arc<Path>,
    /// 1-based line, 0 when the problem concerns the whole zone.
    pub line: u32,
    /// 1-based column, 0 when not known.
    pub col: u32,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if self.col > 0 {
            write!(f, ":{}", self.col)?;
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {label}: {}", self.kind)
    }
}

impl std::error::Error for Problem {}

/// Where a record came from, to report problems found after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: Arc<Path>,
    /// Its line.
    pub line: u32,
}

/// The problems found loading one zone.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    /// In the order found.
    pub list: Vec<Problem>,
}

impl Problems {
    /// Records an error.
    pub fn error(&mut self, file: &Arc<Path>, line: u32, col: u32, kind: ProblemKind) {
        self.push(file, line, col, Severity::Error, kind);
    }

    /// Records a warning.
    pub fn warning(&mut self, file: &Arc<Path>, line: u32, col: u32, kind: ProblemKind) {
        self.push(file, line, col, Severity::Warning, kind);
    }

    fn push(
        &mut self,
        file: &Arc<Path>,
        line: u32,
        col: u32,
        severity: Severity,
        kind: ProblemKind,
    ) {
        self.list.push(Problem {
            file: Arc::clone(file),
            line,
            col,
            severity,
            kind,
        });
    }

    /// The number of errors.
    pub fn errors(&self) -> usize {
        self.list
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.list.len() - self.errors()
    }

    /// The first error, if any.
    pub fn first_error(&self) -> Option<&Problem> {
        self.list.iter().find(|p| p.severity == Severity::Error)
    }
}
