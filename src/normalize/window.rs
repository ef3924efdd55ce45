//! The in-order window of `normalize`: workers finish chunks out of order;
//! their rows are handed on in (file, chunk) order, which with each
//! chunk's rows put in line order is (file path, physical line) order.
//!
//! The pipeline reads the inputs one after another and hands each one's
//! chunks out in index order (`pipeline/ordered.rs`), so the chunk the
//! window waits for (its head) is always being processed by a worker that
//! never waits here: the window always takes the head, and takes another
//! chunk only while fewer than its bound are held; a worker with a later
//! chunk waits for room. So at most `bound` chunks' rows wait here, plus
//! the chunks in the workers' hands and in the writer's channel: memory
//! does not grow with the input (docs/normalize.md).

use std::collections::BTreeMap;
use std::sync::mpsc::SyncSender;
use std::sync::{Condvar, Mutex, MutexGuard};

/// One chunk's rows, in reading order, handed on in order.
#[derive(Debug)]
pub struct Delivery<R> {
    /// Input id.
    pub file: u32,
    /// Chunk index in the input.
    pub chunk: u32,
    /// The chunk's physical lines.
    pub lines: u64,
    /// Its rows, in reading order.
    pub rows: Vec<R>,
    /// Per row, the 128-bit hash of its request id (dedupe on), else
    /// empty.
    pub ids: Vec<Option<u128>>,
}

/// The reorder buffer: chunks by (file, chunk), handed on from the head.
#[derive(Debug)]
pub struct Reorder<T> {
    head: (u32, u32),
    held: BTreeMap<(u32, u32), T>,
    bound: usize,
    /// The most chunks held at once.
    pub peak: usize,
}

impl<T> Reorder<T> {
    /// A buffer holding at most `bound` chunks beside the head.
    pub fn new(bound: usize) -> Self {
        Reorder {
            head: (0, 0),
            held: BTreeMap::new(),
            bound: bound.max(1),
            peak: 0,
        }
    }

    /// Offers chunk `key`: gives the chunks now in order (the head and
    /// the held ones after it), or the item back when it is not the head
    /// and the buffer is full (the caller waits for room and offers it
    /// again).
    ///
    /// Inputs come one after another: a chunk of a later input while none
    /// of the head's input is held means the head's input is done (every
    /// one of its chunks was handed on), and the later input's first chunk
    /// becomes the head.
    pub fn offer(&mut self, key: (u32, u32), item: T) -> Result<Vec<T>, T> {
        if key.0 > self.head.0 && self.held.keys().all(|k| k.0 != self.head.0) {
            self.head = (key.0, 0);
        }
        if key != self.head {
            if self.held.len() >= self.bound {
                return Err(item);
            }
            self.held.insert(key, item);
            self.peak = self.peak.max(self.held.len());
            return Ok(Vec::new());
        }
        let mut ready = vec![item];
        self.head.1 += 1;
        while let Some(next) = self.held.remove(&self.head) {
            ready.push(next);
            self.head.1 += 1;
        }
        Ok(ready)
    }

    /// The chunks held (out of order, waiting for an earlier one).
    pub fn held(&self) -> usize {
        self.held.len()
    }
}

struct State<R> {
    reorder: Reorder<Delivery<R>>,
    /// The writer's channel; `None` once closed.
    out: Option<SyncSender<Delivery<R>>>,
}

/// The shared window: workers deliver chunks, the head and what follows
/// it go to the writer's channel in order.
pub struct Window<R> {
    state: Mutex<State<R>>,
    room: Condvar,
}

impl<R> Window<R> {
    /// A window holding at most `bound` chunks, sending to `out`.
    pub fn new(bound: usize, out: SyncSender<Delivery<R>>) -> Self {
        Window {
            state: Mutex::new(State {
                reorder: Reorder::new(bound),
                out: Some(out),
            }),
            room: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<R>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Delivers a finished chunk; waits while the window is full and this
    /// chunk is not the head.
    pub fn deliver(&self, d: Delivery<R>) {
        let mut state = self.lock();
        let mut d = d;
        loop {
            match state.reorder.offer((d.file, d.chunk), d) {
                Ok(ready) => {
                    if ready.is_empty() {
                        return;
                    }
                    // Sent under the lock, so chunks leave in order; a full
                    // channel (a slow writer) holds every worker here.
                    for r in ready {
                        let gone = match &state.out {
                            Some(out) => out.send(r).is_err(),
                            None => false,
                        };
                        if gone {
                            state.out = None;
                        }
                    }
                    self.room.notify_all();
                    return;
                }
                Err(back) => {
                    d = back;
                    state = self.room.wait(state).unwrap_or_else(|e| e.into_inner());
                }
            }
        }
    }

    /// Closes the channel (the writer's loop ends); gives the chunks still
    /// held (none when every input was read to its end) and the most held
    /// at once.
    pub fn close(&self) -> (usize, usize) {
        let mut state = self.lock();
        state.out = None;
        (state.reorder.held(), state.reorder.peak)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_leave_in_order_and_at_most_the_bound_wait() {
        let mut r = Reorder::new(2);
        assert_eq!(r.offer((0, 1), 1), Ok(vec![]));
        assert_eq!(r.offer((0, 2), 2), Ok(vec![]));
        // Full: a later chunk waits, the head is always taken.
        assert_eq!(r.offer((0, 3), 3), Err(3));
        assert_eq!(r.offer((0, 0), 0), Ok(vec![0, 1, 2]));
        assert_eq!(r.offer((0, 3), 3), Ok(vec![3]));
        // The next input (input 1 had no chunk): its first chunk is the
        // head, whichever of its chunks comes first.
        assert_eq!(r.offer((2, 1), 21), Ok(vec![]));
        assert_eq!(r.offer((2, 0), 20), Ok(vec![20, 21]));
        assert_eq!(r.held(), 0);
        assert_eq!(r.peak, 2);
    }

    #[test]
    fn workers_out_of_order_wait_for_room_and_nothing_is_lost() {
        use std::sync::atomic::{AtomicU32, Ordering};
        use std::sync::mpsc::sync_channel;
        let (tx, rx) = sync_channel(1);
        let w = Window::new(3, tx);
        let reader = std::thread::spawn(move || {
            rx.into_iter()
                .map(|d: Delivery<u32>| d.rows[0])
                .collect::<Vec<u32>>()
        });
        // Inputs one after another (input 2 has no chunk), each one's 50
        // chunks handed out in order to 4 workers finishing out of order.
        for file in [0u32, 1, 3] {
            let next = AtomicU32::new(0);
            std::thread::scope(|s| {
                for t in 0..4u32 {
                    let (w, next) = (&w, &next);
                    s.spawn(move || loop {
                        let c = next.fetch_add(1, Ordering::SeqCst);
                        if c >= 50 {
                            return;
                        }
                        if (c + t) % 3 == 0 {
                            std::thread::sleep(std::time::Duration::from_micros(200));
                        }
                        w.deliver(Delivery {
                            file,
                            chunk: c,
                            lines: 1,
                            rows: vec![file * 100 + c],
                            ids: Vec::new(),
                        });
                    });
                }
            });
        }
        let (held, peak) = w.close();
        let got = reader.join().unwrap();
        let want: Vec<u32> = [0u32, 1, 3]
            .iter()
            .flat_map(|f| (0..50).map(move |c| f * 100 + c))
            .collect();
        assert_eq!(got, want);
        assert_eq!(held, 0);
        assert!(peak <= 3, "{peak}");
    }
}
