//! The one paginator loop every generated paginator drives: fetch a page, hand it out,
//! work out the next request from it, stop when there is none, a limit is reached, or the
//! server repeats itself.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{StreamExt, stream};

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

/// The pages (or items) of a paginated operation, fetched one at a time as they are read:
/// a `Stream`, with aws-sdk-s3's inherent `next().await`, `try_next()`, `collect()` and
/// `try_collect()`, so that reading one needs no extra crate. Boxed, so that it can be
/// used without pinning it first.
pub struct PaginationStream<T>(Pin<Box<dyn Stream<Item = T> + Send>>);

impl<T> PaginationStream<T> {
    fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        PaginationStream(Box::pin(stream))
    }

    /// The next page or item; `None` after the last.
    pub async fn next(&mut self) -> Option<T> {
        self.0.next().await
    }

    /// Every remaining page or item.
    pub async fn collect<C: Default + Extend<T>>(self) -> C {
        StreamExt::collect(self.0).await
    }
}

impl<T, E> PaginationStream<Result<T, E>> {
    /// The next page or item, or the error that ends the stream.
    pub async fn try_next(&mut self) -> Result<Option<T>, E> {
        self.0.next().await.transpose()
    }

    /// Every remaining page or item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, E> {
        let mut all = Vec::new();
        while let Some(item) = self.try_next().await? {
            all.push(item);
        }
        Ok(all)
    }
}

impl<T> Stream for PaginationStream<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PaginationStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PaginationStream")
    }
}

/// The items of every page, as aws-sdk-s3's items paginators: read it as a stream, or call
/// `send()` for the [`PaginationStream`] aws-sdk-s3 code expects.
#[derive(Debug)]
pub struct ItemsPaginator<T>(PaginationStream<T>);

impl<T> ItemsPaginator<T> {
    /// The items, one by one.
    pub fn send(self) -> PaginationStream<T> {
        self.0
    }
}

impl<T> Stream for ItemsPaginator<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.0).poll_next(cx)
    }
}

/// The pages of a paginated operation, starting with `first`, fetched one at a time as
/// the stream is read.
pub fn paginate<I, O, E, F, Fut>(
    first: I,
    fetch: F,
    pages: Pages<I, O>,
) -> PaginationStream<Result<O, SdkError<E>>>
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
    PaginationStream::new(stream::unfold(state, move |mut st| async move {
        if let Some(token) = st.repeated.take() {
            let e = ResponseError::new(format!(
                "paginator: the server sent the token {token} twice; stopping instead of looping forever"
            ));
            return Some((Err(SdkError::ResponseError(e)), st));
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
    pages: PaginationStream<Result<O, SdkError<E>>>,
    take: fn(O) -> Option<Vec<T>>,
) -> ItemsPaginator<Result<T, SdkError<E>>>
where
    O: 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    ItemsPaginator(PaginationStream::new(pages.flat_map(move |page| {
        let items: Vec<Result<T, SdkError<E>>> = match page {
            Ok(page) => take(page).unwrap_or_default().into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        stream::iter(items)
    })))
}
