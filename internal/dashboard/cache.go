package dashboard

import (
	"container/list"
	"sync"

	"github.com/shoal-dev/shoal/internal/query"
)

// resultCache keeps recent query results, least recently used out first.
// Keys identify the query and the data it read (snapshot file or lake
// version), so an entry never goes stale; purge only frees memory early.
type resultCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key, tag string
	rs       *query.Rowset
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *resultCache) get(key string) (*query.Rowset, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).rs, true
}

// put stores a result under key; tag (a dataset id) groups entries for purge.
func (c *resultCache) put(key, tag string, rs *query.Rowset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		el.Value.(*cacheEntry).rs = rs
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, tag: tag, rs: rs})
	for c.order.Len() > c.max {
		c.remove(c.order.Back())
	}
}

// purge drops every entry of a dataset.
func (c *resultCache) purge(tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if el.Value.(*cacheEntry).tag == tag {
			c.remove(el)
		}
		el = next
	}
}

func (c *resultCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	c.byKey = map[string]*list.Element{}
}

func (c *resultCache) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.byKey, el.Value.(*cacheEntry).key)
}

// flightGroup runs one query per key at a time: a dashboard's visuals are
// requested in parallel, and two viewers of one dashboard ask the same.
type flightGroup struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done chan struct{}
	rs   *query.Rowset
	err  error
}

// do runs fn for key, or waits for the run already in progress. shared
// reports whether the result came from another caller's run.
func (g *flightGroup) do(key string, fn func() (*query.Rowset, error)) (rs *query.Rowset, shared bool, err error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*flightCall{}
	}
	if c, ok := g.calls[key]; ok {
		g.mu.Unlock()
		<-c.done
		return c.rs, true, c.err
	}
	c := &flightCall{done: make(chan struct{})}
	g.calls[key] = c
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
	}()
	c.rs, c.err = fn()
	return c.rs, false, c.err
}
