//! The follower: a task that keeps an index current by polling the database's change feed.

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Directory;

/// How long the follower waits after a failed catch-up (the database away, a full disk) before
/// it tries again, so that a long outage does not flood the log.
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// A running follower; stops when [`Follower::stop`] is called or when dropped.
#[derive(Debug)]
pub struct Follower {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Directory {
    /// Starts a task that catches up every `interval` (a one-row read of the feed's head when
    /// nothing changed), logging and retrying on errors. A write therefore reaches the index
    /// after at most `interval` plus the time to apply it.
    pub fn follow(&self, interval: Duration) -> Follower {
        let directory = self.clone();
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut pause = interval;
            loop {
                tokio::select! {
                    _ = &mut stopped => return,
                    () = tokio::time::sleep(pause) => {}
                }
                pause = interval;
                match directory.catch_up().await {
                    Ok(catch_up) if catch_up.to > catch_up.from => tracing::debug!(
                        from = catch_up.from,
                        to = catch_up.to,
                        changed = catch_up.changed,
                        deleted = catch_up.deleted,
                        "search index caught up"
                    ),
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(%error, "search index could not catch up; retrying");
                        pause = RETRY_AFTER.max(interval);
                    }
                }
            }
        });
        Follower {
            stop: Some(stop),
            task: Some(task),
        }
    }
}

impl Follower {
    /// Stops the follower and waits for a catch-up in progress to end.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
