//! The resolver's iteration through the mini Internet, from the root down.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RecordType};
use resolver::cache::{Cache, Limits as CacheLimits, RRset, Trust};
use resolver::hints::RootHints;
use resolver::iterate::{Failure, Options, Resolution, Resolver};
use resolver::records::wire_name;
use tests::client::{self, lines, query, recursive};
use tests::fake::{FakeServer, Reply, a_record, response_to};
use tests::spawn::temp_dir;
use tests::world::World;

fn name(text: &str) -> Name {
    Name::from_str(text).unwrap()
}

fn resolver(world: &World) -> Resolver {
    let hints = RootHints::load(&world.hints).expect("the world's hints load");
    Resolver::new(
        Arc::new(Cache::new(CacheLimits::default())),
        hints,
        Options::default(),
    )
}

fn answer_lines(resolution: &Resolution) -> Vec<String> {
    lines(&resolution.answers)
}

#[tokio::test]
async fn resolves_from_the_root_down_and_answers_again_from_the_cache() {
    let world = World::start(13);
    let resolver = resolver(&world);
    let www = resolver
        .resolve(&name("www.example.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(www.rcode, ResponseCode::NoError);
    assert_eq!(
        answer_lines(&www),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );
    // QNAME minimisation (RFC 9156): each server saw one label more than
    // its zone, and only the last one the full question.
    let root = world.log(101);
    assert!(root.contains(" internal. A IN udp NOERROR 0/1/"), "{root}");
    assert!(!root.contains("example.internal."), "{root}");
    let tld = world.log(102);
    assert!(
        tld.contains(" example.internal. A IN udp NOERROR 0/1/"),
        "{tld}"
    );
    assert!(!tld.contains("www.example.internal."), "{tld}");
    assert!(
        world
            .log(104)
            .contains(" www.example.internal. A IN udp NOERROR aa 1/")
    );

    let again = resolver
        .resolve(&name("www.example.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(answer_lines(&again).len(), 1);
    let asked = world
        .log(104)
        .matches("www.example.internal. A IN udp")
        .count();
    assert_eq!(asked, 1, "the second answer came from the cache");

    // A sibling starts at the cached delegation: the root is not asked again.
    let before = world.log(101).lines().count();
    let mx = resolver
        .resolve(&name("example.internal."), RecordType::MX)
        .await
        .unwrap();
    assert_eq!(
        answer_lines(&mx),
        ["example.internal. 3600 mx 10 mail.hoster.lab."]
    );
    assert_eq!(world.log(101).lines().count(), before);

    // A name the cache knows to exist without a cut is not asked again
    // while minimising: the second wildcard name costs one query.
    for label in ["a", "b"] {
        let wild = resolver
            .resolve(
                &name(&format!("{label}.wild.example.internal.")),
                RecordType::A,
            )
            .await
            .unwrap();
        assert_eq!(wild.answers.len(), 1);
    }
    assert_eq!(
        world
            .log(104)
            .matches(" wild.example.internal. A IN")
            .count(),
        1
    );
}

#[tokio::test]
async fn glueless_delegations_cnames_across_zones_and_negative_answers() {
    let world = World::start(14);
    let resolver = resolver(&world);
    let glueless = resolver
        .resolve(&name("www.glueless.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(
        answer_lines(&glueless),
        ["www.glueless.internal. 3600 a 203.0.113.10"]
    );

    let alias = resolver
        .resolve(&name("chain.example.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(
        answer_lines(&alias),
        [
            "alias.example.internal. 3600 cname www.hoster.lab.",
            "chain.example.internal. 3600 cname alias.example.internal.",
            "www.hoster.lab. 3600 a 198.51.100.80",
        ]
    );

    let nx = resolver
        .resolve(&name("nope.example.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!((nx.rcode, nx.answers.len()), (ResponseCode::NXDomain, 0));
    assert_eq!(
        lines(&nx.authority),
        [
            "example.internal. 300 soa ns1.example.internal. hostmaster.example.internal. 2026112201 1800 900 604800 300"
        ],
        "RFC 2308: the SOA with the negative TTL"
    );
    let again = resolver
        .resolve(&name("nope.example.internal."), RecordType::AAAA)
        .await
        .unwrap();
    assert_eq!(
        again.rcode,
        ResponseCode::NXDomain,
        "NXDOMAIN is cached for every type"
    );
    assert_eq!(
        again.authority.len(),
        1,
        "the cached NXDOMAIN keeps its SOA"
    );
    assert_eq!(world.log(104).matches("nope.example.internal.").count(), 1);

    let nodata = resolver
        .resolve(&name("www.example.internal."), RecordType::MX)
        .await
        .unwrap();
    assert_eq!(
        (nodata.rcode, nodata.answers.len()),
        (ResponseCode::NoError, 0)
    );

    let big = resolver
        .resolve(&name("big.example.internal."), RecordType::TXT)
        .await
        .unwrap();
    assert_eq!(
        big.answers.len(),
        12,
        "the truncated answer was asked again over TCP"
    );
    assert!(
        world
            .log(104)
            .contains("big.example.internal. TXT IN tcp NOERROR")
    );
}

#[tokio::test]
async fn lame_and_silent_servers_and_loops_fail_or_fall_back() {
    let world = World::start(15);
    let resolver = resolver(&world);
    let partly = resolver
        .resolve(&name("www.partlame.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(
        answer_lines(&partly),
        ["www.partlame.internal. 3600 a 203.0.113.20"]
    );

    let lame = resolver
        .resolve(&name("www.lame.internal."), RecordType::A)
        .await;
    assert_eq!(lame.unwrap_err(), Failure::NoReachableAuthority);
    // Nothing listens on the dead server's address: ICMP port unreachable.
    let dead = resolver
        .resolve(&name("www.dead.internal."), RecordType::A)
        .await;
    assert_eq!(dead.unwrap_err(), Failure::NetworkError);
    let looping = resolver
        .resolve(&name("loop1.example.internal."), RecordType::A)
        .await;
    assert_eq!(looping.unwrap_err(), Failure::AliasLoop);

    // A cached delegation that lost the address of its server inside the
    // zone (evicted, say), keeping only the lame one: the referral is
    // asked again for its glue, rather than the zone given up.
    let cache = Arc::new(Cache::new(CacheLimits::default()));
    let ns = |target: &str| wire_name(&name(target));
    let (good, lame) = (ns("ns.partlame.internal."), ns("ns.lame.internal."));
    cache.insert_rrset(
        &ns("partlame.internal."),
        RRset::new(2, Trust::AuthoritativeAnswer, [&good[..], &lame[..]]),
        3600,
        0,
    );
    cache.insert_rrset(
        &lame,
        RRset::new(1, Trust::Additional, [&[127u8, 15, 0, 107][..]]),
        3600,
        0,
    );
    let hints = RootHints::load(&world.hints).unwrap();
    let evicted = Resolver::new(cache, hints, Options::default());
    let answer = evicted
        .resolve(&name("www.partlame.internal."), RecordType::A)
        .await;
    assert_eq!(
        answer.map(|a| answer_lines(&a)),
        Ok(vec![
            "www.partlame.internal. 3600 a 203.0.113.20".to_owned()
        ])
    );
}

#[tokio::test]
async fn servers_are_ranked_by_rtt_and_identical_queries_coalesced() {
    let world = World::start(17);
    let resolver = Arc::new(resolver(&world));
    // Twenty clients ask for the same cold name at once: one query goes out.
    let mut clients = Vec::new();
    for _ in 0..20 {
        let resolver = Arc::clone(&resolver);
        clients.push(tokio::spawn(async move {
            resolver
                .resolve(&name("www.example.internal."), RecordType::AAAA)
                .await
        }));
    }
    for client in clients {
        let resolution = client.await.unwrap().unwrap();
        assert_eq!(
            answer_lines(&resolution),
            ["www.example.internal. 3600 aaaa 2001:db8::80"]
        );
    }
    let asked = world
        .log(104)
        .matches(" www.example.internal. AAAA IN udp")
        .count();
    assert_eq!(asked, 1, "twenty identical queries in flight were one");

    // partlame.internal. has a lame server (.107) and a good one (.108):
    // the lame one is asked at most once, then held back.
    for label in ["www", "a", "b", "c", "d", "e"] {
        let _ = resolver
            .resolve(&name(&format!("{label}.partlame.internal.")), RecordType::A)
            .await
            .unwrap();
    }
    let lame = world.log(107).matches("partlame.internal.").count();
    assert!(lame <= 1, "the lame server was asked {lame} times");
    assert!(
        world
            .log(108)
            .matches("partlame.internal. A IN udp")
            .count()
            >= 6
    );
}

/// A resolver on `world` whose cache keeps nothing longer than `max_ttl`.
fn short_lived(world: &World, max_ttl: u32) -> Resolver {
    let cache = Cache::new(CacheLimits {
        max_ttl,
        ..CacheLimits::default()
    });
    let hints = RootHints::load(&world.hints).unwrap();
    Resolver::new(Arc::new(cache), hints, Options::default())
}

#[tokio::test]
async fn popular_answers_near_expiry_are_prefetched() {
    let world = World::start(18);
    let resolver = short_lived(&world, 10);
    let www = name("www.example.internal.");
    let first = resolver.resolve(&www, RecordType::A).await.unwrap();
    assert!(!first.prefetch && !first.stale);
    assert_eq!(first.answers[0].ttl, 10, "TTLs are capped by max-ttl");

    // In the last tenth of its TTL a hit asks for a refresh.
    tokio::time::sleep(Duration::from_millis(9200)).await;
    let late = resolver.resolve(&www, RecordType::A).await.unwrap();
    assert!(late.prefetch && !late.stale);
    resolver.refresh(&www, RecordType::A).await;
    assert_eq!(
        world
            .log(104)
            .matches(" www.example.internal. A IN")
            .count(),
        2,
        "the refresh asked the authority again"
    );
    let refreshed = resolver.resolve(&www, RecordType::A).await.unwrap();
    assert!(!refreshed.prefetch, "the refresh renewed the TTL");
    assert_eq!(refreshed.answers[0].ttl, 10);
}

#[tokio::test]
async fn expired_answers_are_served_stale_when_every_server_is_gone() {
    let world = World::start(20);
    let resolver = short_lived(&world, 1);
    let www = name("www.example.internal.");
    resolver.resolve(&www, RecordType::A).await.unwrap();
    drop(world);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let stale = resolver.resolve(&www, RecordType::A).await.unwrap();
    assert!(stale.stale);
    assert_eq!(
        answer_lines(&stale),
        ["www.example.internal. 30 a 192.0.2.80"],
        "RFC 8767: stale answers carry a 30 s TTL"
    );
    let cold = resolver
        .resolve(&name("nope.internal."), RecordType::A)
        .await;
    assert_eq!(cold.unwrap_err(), Failure::NetworkError);
}

#[tokio::test]
async fn expired_answers_are_served_after_1800_ms_when_the_servers_fall_silent() {
    // Three root servers that answer every A question, until they stop
    // answering at all (a host down, or a flood dropping packets).
    let silent = Arc::new(AtomicBool::new(false));
    let servers: Vec<FakeServer> = (1..=3)
        .map(|last| {
            let silent = Arc::clone(&silent);
            FakeServer::scripted(&format!("127.49.0.{last}:53"), move |query| {
                if silent.load(Ordering::Relaxed) {
                    return None;
                }
                let mut answer = response_to(query);
                answer.add_answer(a_record(&query.queries[0]));
                Some(vec![Reply::Send(answer)])
            })
        })
        .collect();
    let hints = RootHints::parse(
        b". 3600000 NS a.root.\n. 3600000 NS b.root.\n. 3600000 NS c.root.\n\
          a.root. 3600000 A 127.49.0.1\nb.root. 3600000 A 127.49.0.2\nc.root. 3600000 A 127.49.0.3\n",
        std::path::Path::new("silent.hints"),
    )
    .unwrap();
    let cache = Cache::new(CacheLimits {
        max_ttl: 1,
        ..CacheLimits::default()
    });
    let resolver = Resolver::new(Arc::new(cache), hints, Options::default());
    let www = name("www.silent.");
    resolver.resolve(&www, RecordType::A).await.unwrap();
    silent.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    // Asking all three would take 3 x 1.5 s; the client gets the stale
    // answer after 1.8 s (RFC 8767 5), marked for a background refresh.
    let started = Instant::now();
    let stale = resolver.resolve(&www, RecordType::A).await.unwrap();
    let waited = started.elapsed();
    assert!(stale.stale && stale.prefetch);
    assert_eq!(answer_lines(&stale), ["www.silent. 30 a 192.0.2.7"]);
    assert!(
        (Duration::from_millis(1700)..Duration::from_millis(2500)).contains(&waited),
        "{waited:?}"
    );
    // A name never cached has nothing to fall back on: it fails.
    assert!(
        resolver
            .resolve(&name("new.silent."), RecordType::A)
            .await
            .is_err()
    );
    assert!(servers.iter().all(|s| !s.queries().is_empty()));
}

#[tokio::test]
async fn clients_waiting_on_one_upstream_query_count_once_against_the_zone_bound() {
    // A root that takes 300 ms to answer, asked by 50 clients at once for
    // the same name, with at most 8 queries in flight per zone: the 50
    // share one query, so none is turned away.
    let root = FakeServer::scripted("127.19.0.2:0", |query| {
        std::thread::sleep(Duration::from_millis(300));
        let mut answer = response_to(query);
        answer.add_answer(a_record(&query.queries[0]));
        Some(vec![Reply::Send(answer)])
    });
    let hints = RootHints::parse(
        b". 3600000 NS a.root.\na.root. 3600000 A 127.19.0.2\n",
        std::path::Path::new("slow.hints"),
    )
    .unwrap();
    let defaults = Options::default();
    let options = Options {
        upstream_port: root.addr.port(),
        qname_minimisation: false,
        limits: resolver::iterate::Limits {
            max_zone_queries: 8,
            ..defaults.limits
        },
        ..defaults
    };
    let resolver = Arc::new(Resolver::new(
        Arc::new(Cache::new(CacheLimits::default())),
        hints,
        options,
    ));
    let clients: Vec<_> = (0..50)
        .map(|_| {
            let resolver = Arc::clone(&resolver);
            tokio::spawn(async move { resolver.resolve(&name("www.slow."), RecordType::A).await })
        })
        .collect();
    for client in clients {
        let answer = client.await.unwrap();
        assert_eq!(
            answer.map(|a| answer_lines(&a)),
            Ok(vec!["www.slow. 60 a 192.0.2.7".to_owned()])
        );
    }
    assert_eq!(root.queries().len(), 1, "one query went out");
}

#[tokio::test]
async fn a_wrong_nxdomain_for_a_minimised_name_falls_back_to_the_full_name() {
    // A root that answers NXDOMAIN for every name but the full one, as
    // broken servers answer empty non-terminals.
    let root = FakeServer::start("127.19.0.1:0", |question| {
        if question.name().to_string() == "a.b.broken." {
            (ResponseCode::NoError, vec![a_record(question)])
        } else {
            (ResponseCode::NXDomain, Vec::new())
        }
    });
    let hints = RootHints::parse(
        b". 3600000 NS a.root.\na.root. 3600000 A 127.19.0.1\n",
        std::path::Path::new("broken.hints"),
    )
    .unwrap();
    let options = Options {
        upstream_port: root.addr.port(),
        ..Options::default()
    };
    let resolver = Resolver::new(Arc::new(Cache::new(CacheLimits::default())), hints, options);
    let answer = resolver
        .resolve(&name("a.b.broken."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(answer_lines(&answer), ["a.b.broken. 60 a 192.0.2.7"]);
}

fn ede_code(answer: &hickory_proto::op::Message) -> Option<u16> {
    let raw = answer.to_vec().ok()?;
    let at = raw.windows(2).rposition(|w| w == [0, 15])?;
    raw.get(at + 4..at + 6)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
}

#[test]
fn the_resolver_binary_answers_dig_style_queries() {
    let world = World::start(16);
    let addr: SocketAddr = "127.16.0.1:5301".parse().unwrap();
    let server = tests::spawn::resolver(&world.hints, addr, &[], "allow = [\"127.0.0.1/32\"]\n");

    let answer = client::udp(addr, &recursive("chain.example.internal.", RecordType::A)).unwrap();
    assert_eq!(answer.metadata.response_code, ResponseCode::NoError);
    assert!(answer.metadata.recursion_available && !answer.metadata.authoritative);
    assert_eq!(lines(&answer.answers).len(), 3);
    let over_tcp = client::tcp(addr, &recursive("www.glueless.internal.", RecordType::A)).unwrap();
    assert_eq!(
        lines(&over_tcp.answers),
        ["www.glueless.internal. 3600 a 203.0.113.10"]
    );

    // RD=0: from the cache only.
    let cached = client::udp(addr, &query("www.glueless.internal.", RecordType::A, true)).unwrap();
    assert_eq!(cached.answers.len(), 1);
    let uncached =
        client::udp(addr, &query("www.partlame.internal.", RecordType::A, true)).unwrap();
    assert_eq!(uncached.metadata.response_code, ResponseCode::ServFail);

    // Failures are SERVFAIL with Extended DNS Error 22, No Reachable
    // Authority, or 23, Network Error.
    let nx = client::udp(addr, &recursive("nope.example.internal.", RecordType::A)).unwrap();
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(
        nx.authorities.len(),
        1,
        "the SOA goes in the authority section"
    );
    // Cache hits are written straight from the cache's wire form.
    for _ in 0..2 {
        let again = client::udp(addr, &recursive("nope.example.internal.", RecordType::A)).unwrap();
        assert_eq!(again.metadata.response_code, ResponseCode::NXDomain);
        assert_eq!(lines(&again.authorities), lines(&nx.authorities));
        let hit = client::udp(addr, &recursive("www.glueless.internal.", RecordType::A)).unwrap();
        assert_eq!(hit.answers[0].data, over_tcp.answers[0].data);
        assert!(hit.answers[0].ttl <= 3600 && hit.edns.is_some());
        assert!(hit.metadata.recursion_available && hit.metadata.recursion_desired);
    }
    assert_eq!(
        world.log(104).matches("nope.example.internal.").count(),
        1,
        "asked once, then answered from the cache"
    );

    let lame = client::udp(addr, &recursive("www.lame.internal.", RecordType::A)).unwrap();
    assert_eq!(lame.metadata.response_code, ResponseCode::ServFail);
    assert_eq!(ede_code(&lame), Some(22));
    let dead = client::udp(addr, &recursive("www.dead.internal.", RecordType::A)).unwrap();
    assert_eq!(dead.metadata.response_code, ResponseCode::ServFail);
    assert_eq!(ede_code(&dead), Some(23), "Network Error");

    // Outside the allowed networks: REFUSED with EDE 18, Prohibited.
    let outsider: SocketAddr = "127.0.0.99:0".parse().unwrap();
    let refused = client::udp_from(
        outsider,
        addr,
        &recursive("www.example.internal.", RecordType::A),
    )
    .unwrap();
    assert_eq!(refused.metadata.response_code, ResponseCode::Refused);
    assert_eq!(ede_code(&refused), Some(18));
    assert!(server.stop(), "SIGTERM stops the resolver cleanly");
}

#[test]
fn special_use_names_and_local_zones_are_answered_here() {
    let world = World::start(21);
    let zones = temp_dir("local-zones-21");
    let corp = zones.join("corp.internal.zone");
    let zone = |serial: u32, address: &str| {
        format!(
            "$TTL 300\n@ SOA ns hostmaster {serial} 3600 600 86400 60\n@ NS ns\nns A 10.0.0.1\nwww A {address}\n"
        )
    };
    std::fs::write(&corp, zone(1, "10.0.0.80")).unwrap();
    let config = format!(
        "allow = [\"127.0.0.0/8\"]\nlocal-zones = \"{}\"\n",
        zones.display()
    );
    let addr: SocketAddr = "127.21.0.1:5301".parse().unwrap();
    let server = tests::spawn::resolver(&world.hints, addr, &[], &config);

    let localhost = client::udp(addr, &recursive("localhost.", RecordType::A)).unwrap();
    assert_eq!(lines(&localhost.answers), ["localhost. 10800 a 127.0.0.1"]);
    assert!(localhost.metadata.authoritative && localhost.metadata.recursion_available);
    let below = client::udp(addr, &recursive("app.localhost.", RecordType::AAAA)).unwrap();
    assert_eq!(lines(&below.answers), ["app.localhost. 10800 aaaa ::1"]);
    let loopback =
        client::udp(addr, &recursive("1.0.0.127.in-addr.arpa.", RecordType::PTR)).unwrap();
    assert_eq!(
        lines(&loopback.answers),
        ["1.0.0.127.in-addr.arpa. 10800 ptr localhost."]
    );
    for special in [
        "x.test.",
        "nothing.invalid.",
        "a.onion.",
        "9.1.168.192.in-addr.arpa.",
    ] {
        let answer = client::udp(addr, &recursive(special, RecordType::A)).unwrap();
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::NXDomain,
            "{special}"
        );
        assert!(answer.metadata.authoritative, "{special}");
        assert_eq!(
            lines(&answer.authorities)[0].split(' ').nth(3),
            Some("localhost."),
            "{special}: the SOA of the special-use zone"
        );
    }

    let www = client::udp(addr, &recursive("www.corp.internal.", RecordType::A)).unwrap();
    assert_eq!(lines(&www.answers), ["www.corp.internal. 300 a 10.0.0.80"]);
    assert!(www.metadata.authoritative);
    assert!(
        !world.log(101).contains("corp") && !world.log(102).contains("corp"),
        "local zones never go upstream"
    );

    // SIGHUP reloads the local zones; a broken file keeps the good version.
    std::fs::write(&corp, zone(2, "10.0.0.81")).unwrap();
    server.signal("HUP");
    let reloaded = wait_for_answer(addr, "www.corp.internal. 300 a 10.0.0.81");
    assert!(reloaded, "the new zone is served after SIGHUP");
    std::fs::write(&corp, "$TTL 300\n@ SOA broken\n").unwrap();
    server.signal("HUP");
    std::thread::sleep(Duration::from_millis(500));
    let kept = client::udp(addr, &recursive("www.corp.internal.", RecordType::A)).unwrap();
    assert_eq!(lines(&kept.answers), ["www.corp.internal. 300 a 10.0.0.81"]);
    assert!(server.log_text().contains("corp.internal.zone:2"));

    // Everything else still resolves from the root.
    let resolved = client::udp(addr, &recursive("www.example.internal.", RecordType::A)).unwrap();
    assert_eq!(
        lines(&resolved.answers),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );
    assert!(!resolved.metadata.authoritative);
}

fn wait_for_answer(addr: SocketAddr, expected: &str) -> bool {
    for _ in 0..50 {
        let answer = client::udp(addr, &recursive("www.corp.internal.", RecordType::A)).unwrap();
        if lines(&answer.answers) == [expected] {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn forward_zones_go_to_upstream_resolvers_over_udp_and_tcp() {
    let world = World::start(22);
    // Upstreams with their own versions of lab. and of hoster.lab.
    let zones = temp_dir("forward-upstream-22");
    std::fs::write(
        zones.join("lab.zone"),
        "$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 10.9.9.1\nwww A 10.9.9.9\n",
    )
    .unwrap();
    std::fs::write(
        zones.join("hoster.lab.zone"),
        "$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 10.9.8.1\nwww A 10.9.8.8\n",
    )
    .unwrap();
    let upstream = tests::spawn::authdns(
        "127.22.0.60:5300".parse().unwrap(),
        &zones,
        "query-log = true\n",
        "lab.",
    );
    let config = "[[forward]]\nzone = \"lab\"\nservers = [\"127.22.0.60:5300\"]\n\
                  [[forward]]\nzone = \"hoster.lab.\"\nservers = [\"127.22.0.60:5300\"]\nprotocol = \"tcp\"\n";
    let addr: SocketAddr = "127.22.0.1:5301".parse().unwrap();
    let _server = tests::spawn::resolver(&world.hints, addr, &[], config);

    let www = client::udp(addr, &recursive("www.lab.", RecordType::A)).unwrap();
    assert_eq!(lines(&www.answers), ["www.lab. 300 a 10.9.9.9"]);
    assert!(!www.metadata.authoritative);
    let deeper = client::udp(addr, &recursive("www.hoster.lab.", RecordType::A)).unwrap();
    assert_eq!(lines(&deeper.answers), ["www.hoster.lab. 300 a 10.9.8.8"]);
    let log = upstream.log_text();
    assert!(log.contains("www.lab. A IN udp NOERROR"), "{log}");
    assert!(log.contains("www.hoster.lab. A IN tcp NOERROR"), "{log}");

    let nx = client::udp(addr, &recursive("nope.lab.", RecordType::A)).unwrap();
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(nx.authorities.len(), 1, "the SOA of the negative answer");

    // Forwarded answers are in the one cache: RD=0 finds them.
    let cached = client::udp(addr, &query("www.lab.", RecordType::A, true)).unwrap();
    assert_eq!(lines(&cached.answers), ["www.lab. 300 a 10.9.9.9"]);
    // Names outside the forward zones are iterated from the root.
    let iterated = client::udp(addr, &recursive("www.example.internal.", RecordType::A)).unwrap();
    assert_eq!(
        lines(&iterated.answers),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );
    assert!(
        !world.log(101).contains("lab."),
        "forwarded names never reach the root"
    );
}

#[tokio::test]
async fn a_cached_root_ns_without_addresses_does_not_strand_iteration() {
    let world = World::start(31);
    let resolver = resolver(&world);
    // `. NS` caches the root's NS RRset, whose name (a.root.internal.)
    // has no address in the cache: iteration must start from the hints.
    let ns = resolver.resolve(&name("."), RecordType::NS).await.unwrap();
    assert_eq!(answer_lines(&ns), [". 86400 ns a.root.internal."]);
    let mx = resolver.resolve(&name("."), RecordType::MX).await.unwrap();
    assert_eq!((mx.rcode, mx.answers.len()), (ResponseCode::NoError, 0));
    let www = resolver
        .resolve(&name("www.example.internal."), RecordType::A)
        .await
        .unwrap();
    assert_eq!(
        answer_lines(&www),
        ["www.example.internal. 3600 a 192.0.2.80"]
    );
}

/// Queries to forwarders carry DO, so signed zones come back with their
/// RRSIGs, and CD when the resolver validates itself (RFC 4035 3.2.2):
/// without DO a forwarded signed zone was bogus (issue 13 item 5).
#[tokio::test]
async fn forwarded_queries_carry_do_and_cd_when_validating() {
    use resolver::forward::{ForwardZone, Forwarded, Forwarders, Protocol};
    let fake = FakeServer::scripted("127.63.0.1:0", |query| {
        let mut response = response_to(query);
        response.metadata.authoritative = false;
        response.metadata.recursion_available = true;
        response.add_answer(a_record(query.queries.first()?));
        Some(vec![Reply::Send(response)])
    });
    let zone = ForwardZone {
        zone: name("lab."),
        servers: vec![fake.addr],
        protocol: Protocol::Udp,
        tls_name: None,
        tls_ca: None,
    };
    for validating in [true, false] {
        let forwarders = Forwarders::new(std::slice::from_ref(&zone), Duration::from_secs(1))
            .unwrap()
            .validating(validating);
        let asked = name(&format!("v{validating}.lab."));
        let forwarded = forwarders.forward(&asked, RecordType::A).await;
        assert!(
            matches!(&forwarded, Some(Forwarded::Answer(ResponseCode::NoError, answers, _)) if answers.len() == 1),
            "{forwarded:?}"
        );
    }
    let queries: Vec<hickory_proto::op::Message> = fake
        .queries()
        .iter()
        .map(|q| hickory_proto::op::Message::from_vec(q).unwrap())
        .collect();
    assert_eq!(queries.len(), 2);
    for query in &queries {
        let asked = query.queries[0].name().to_string();
        assert!(query.metadata.recursion_desired, "{asked}: RD");
        assert!(
            query.edns.as_ref().is_some_and(|e| e.flags().dnssec_ok),
            "{asked}: DO"
        );
        assert_eq!(
            query.metadata.checking_disabled,
            asked.starts_with("vtrue"),
            "{asked}: CD only when validating"
        );
    }
}

/// The options operators use (issue 13 item 6): `min-ttl` floors cached
/// TTLs, `edns-udp-size` is advertised and bounds UDP answers,
/// `do-not-query-localhost` (off with `--root-hints` unless set) keeps
/// every server on this host unasked, and so does `ipv4 = false` here,
/// where every server is IPv4.
#[test]
#[ignore = "binds port 53 on 127.64.0.X (run by .ci/run as root)"]
fn ipv4_localhost_min_ttl_and_udp_size_options() {
    let world = World::start(64);
    let ask = |addr: SocketAddr| {
        client::udp(addr, &recursive("www.example.internal.", RecordType::A)).unwrap()
    };
    let lab: SocketAddr = "127.64.0.1:5301".parse().unwrap();
    let _lab = tests::spawn::resolver(
        &world.hints,
        lab,
        &[],
        "min-ttl = 7200\nedns-udp-size = 4096\n",
    );
    let answer = ask(lab);
    assert_eq!(answer.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        lines(&answer.answers),
        ["www.example.internal. 7200 a 192.0.2.80"],
        "the 3600 s TTL raised to min-ttl"
    );
    assert_eq!(answer.edns.map(|e| e.max_payload()), Some(4096));
    let cached = ask(lab);
    assert!(cached.answers[0].ttl > 3600, "cached with the floor");

    let asked_before = world.log(101).lines().count();
    for (last, config) in [
        (2, "do-not-query-localhost = true\n"),
        (3, "ipv4 = false\n"),
    ] {
        let addr = SocketAddr::from(([127, 64, 0, last], 5301));
        let _strict = tests::spawn::resolver(&world.hints, addr, &[], config);
        let refused = ask(addr);
        assert_eq!(
            refused.metadata.response_code,
            ResponseCode::ServFail,
            "{config}"
        );
    }
    assert_eq!(
        world.log(101).lines().count(),
        asked_before,
        "the root on 127.64.0.101 was never asked"
    );
}
