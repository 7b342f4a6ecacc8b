//! Client-side rate limits, on tokio's paused clock: the server below runs on the same runtime
//! and answers 429 whenever more than the limit arrive within one second of virtual time.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use astro_api::{Client, RateLimits, RetryPolicy};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::time::Instant;

/// Requests served and refused by the strict server.
#[derive(Default)]
struct Tally {
    recent: VecDeque<Instant>,
    served: usize,
    refused: usize,
}

async fn strict_server(limit_per_second: usize) -> (String, Arc<Mutex<Tally>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let shared = tally.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let tally = shared.clone();
            let service = hyper::service::service_fn(move |_request: Request<Incoming>| {
                let tally = tally.clone();
                async move {
                    let now = Instant::now();
                    let mut tally = tally.lock().unwrap();
                    while tally
                        .recent
                        .front()
                        .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
                    {
                        tally.recent.pop_front();
                    }
                    let response = if tally.recent.len() >= limit_per_second {
                        tally.refused += 1;
                        Response::builder()
                            .status(429)
                            .body(Full::new(Bytes::from("slow down")))
                    } else {
                        tally.recent.push_back(now);
                        tally.served += 1;
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from(
                                r#"{"workspaces":[],"offset":0,"limit":20,"totalCount":0}"#,
                            )))
                    };
                    Ok::<_, Infallible>(response.unwrap())
                }
            });
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, tally)
}

fn limited_client(url: &str, limits: RateLimits) -> Client {
    Client::builder()
        .token("t")
        .base_url(url)
        // No timers but the limiter's: the paused clock jumps to the next timer whenever the
        // runtime waits, which would fire connect or attempt timeouts early.
        .http_client(reqwest::Client::new())
        .without_timeout()
        .retry(RetryPolicy::disabled())
        .rate_limits(Some(limits))
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn thirty_concurrent_gets_at_ten_per_second_take_three_seconds_and_trip_nothing() {
    let (url, tally) = strict_server(10).await;
    let client = limited_client(&url, RateLimits::per_second(10, 10, 5));
    let started = Instant::now();
    let calls = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.org("o").list_workspaces().call().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(2900) && elapsed <= Duration::from_millis(3100),
        "{elapsed:?}"
    );
    let tally = tally.lock().unwrap();
    assert_eq!((tally.served, tally.refused), (30, 0));
}

#[tokio::test(start_paused = true)]
async fn without_limits_the_same_burst_is_refused() {
    let (url, tally) = strict_server(10).await;
    let client = Client::builder()
        .token("t")
        .base_url(&url)
        .http_client(reqwest::Client::new())
        .without_timeout()
        .retry(RetryPolicy::disabled())
        .rate_limits(None)
        .build()
        .unwrap();
    let calls = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.org("o").list_workspaces().call().await })
    });
    let failures = futures::future::join_all(calls)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap().is_err())
        .count();
    assert_eq!(failures, 20);
    assert_eq!(tally.lock().unwrap().refused, 20);
}
