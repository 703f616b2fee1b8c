use deadpool_redis::redis;

const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// The Redis URL tests use, after checking that Redis answers.
pub async fn require_redis() -> String {
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| DEFAULT_REDIS_URL.to_owned());
    let reachable = async {
        let client = redis::Client::open(url.as_str())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(std::time::Duration::from_secs(3), reachable).await {
        Ok(Ok(_)) => url,
        Ok(Err(e)) => fail(&url, &e.to_string()),
        Err(_) => fail(&url, "no answer within 3 s"),
    }
}

fn fail(url: &str, why: &str) -> ! {
    panic!(
        "\nRedis is not reachable at {url} ({why}).\n\
         Start it with:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no\n\
         (or run `bash .ci/run`, which starts it), or point TEST_REDIS_URL at another server.\n"
    )
}
