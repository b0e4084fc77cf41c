//! The one paginator loop every generated paginator drives: fetch a page, hand it out,
//! work out the next request from it, stop when there is none, a limit is reached, or the
//! server repeats itself.

use std::collections::HashSet;
use std::future::Future;

use futures_core::Stream;
use futures_util::stream;

use crate::error::{ResponseError, SdkError};

/// What a generated paginator tells the loop about its operation.
pub struct Pages<I, O> {
    /// The input of the page after `output` (sent with `input`), and a text that identifies
    /// its tokens; `None` after the last page.
    pub next: fn(&I, &O) -> Option<(I, String)>,
    /// Cuts a page's main results to at most `limit` items; returns how many it keeps.
    pub truncate: fn(&mut O, usize) -> usize,
    /// Stop after this many main results.
    pub max_items: Option<usize>,
}

struct State<I, F> {
    input: Option<I>,
    fetch: F,
    seen: HashSet<String>,
    remaining: Option<usize>,
    repeated: Option<String>,
}

/// The pages of a paginated operation, starting with `first`, fetched one at a time as
/// the stream is read. Boxed, so that callers can use it without pinning it first.
pub fn paginate<I, O, E, F, Fut>(
    first: I,
    fetch: F,
    pages: Pages<I, O>,
) -> impl Stream<Item = Result<O, SdkError<E>>> + Send + Unpin
where
    I: Clone + Send + 'static,
    O: Send + 'static,
    E: Send + 'static,
    F: Fn(I) -> Fut + Send + 'static,
    Fut: Future<Output = Result<O, SdkError<E>>> + Send,
{
    let state = State {
        input: Some(first),
        fetch,
        seen: HashSet::new(),
        remaining: pages.max_items,
        repeated: None,
    };
    Box::pin(stream::unfold(state, move |mut st| async move {
        if let Some(token) = st.repeated.take() {
            let e = ResponseError::new(format!(
                "paginator: the server sent the token {token} twice; stopping instead of looping forever"
            ));
            return Some((Err(SdkError::Response(e)), st));
        }
        if st.remaining == Some(0) {
            return None;
        }
        let input = st.input.take()?;
        let current = input.clone();
        match (st.fetch)(input).await {
            Err(e) => Some((Err(e), st)),
            Ok(mut page) => {
                if let Some(left) = st.remaining {
                    st.remaining = Some(left - (pages.truncate)(&mut page, left).min(left));
                }
                if let Some((next, token)) = (pages.next)(&current, &page) {
                    if st.seen.insert(token.clone()) {
                        st.input = Some(next);
                    } else {
                        st.repeated = Some(token);
                    }
                }
                Some((Ok(page), st))
            }
        }
    }))
}

/// The items `take` finds in each page, one by one; an error ends the stream after it.
pub fn paginate_items<O, T, E>(
    pages: impl Stream<Item = Result<O, SdkError<E>>> + Send + Unpin,
    take: fn(O) -> Option<Vec<T>>,
) -> impl Stream<Item = Result<T, SdkError<E>>> + Send + Unpin
where
    T: Send,
    E: Send,
{
    use futures_util::StreamExt;
    pages.flat_map(move |page| {
        let items: Vec<Result<T, SdkError<E>>> = match page {
            Ok(page) => take(page).unwrap_or_default().into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        stream::iter(items)
    })
}
