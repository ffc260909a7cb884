package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Job is a queued event: its exact body (every attempt sends the same
// bytes) and how many attempts have failed so far.
type Job struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Body      []byte    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	Attempts  int       `json:"attempts"`
}

// Queue holds jobs until they are delivered. Claim hides a due job for the
// lease: if the claimer dies before Ack or Retry, the job is due again when
// the lease ends and another worker (of any replica) delivers it. Push is
// idempotent by job id.
type Queue interface {
	Push(ctx context.Context, j Job, due time.Time) error
	// Claim returns a job due at now, hidden until now+lease, or nil.
	Claim(ctx context.Context, now time.Time, lease time.Duration) (*Job, error)
	// Ack removes a delivered (or abandoned) job.
	Ack(ctx context.Context, id string) error
	// Retry stores j's new attempt count and makes it due again at due.
	Retry(ctx context.Context, j Job, due time.Time) error
	// Len counts queued jobs.
	Len(ctx context.Context) (int, error)
}

// MemoryQueue is a Queue for one replica; queued events are lost when the
// process stops.
type MemoryQueue struct {
	mu   sync.Mutex
	jobs map[string]Job
	due  map[string]time.Time
}

var _ Queue = (*MemoryQueue)(nil)

// Push implements Queue.
func (q *MemoryQueue) Push(_ context.Context, j Job, due time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.jobs == nil {
		q.jobs, q.due = map[string]Job{}, map[string]time.Time{}
	}
	if _, ok := q.jobs[j.ID]; ok {
		return nil
	}
	q.jobs[j.ID], q.due[j.ID] = j, due
	return nil
}

// Claim implements Queue: the earliest due job.
func (q *MemoryQueue) Claim(_ context.Context, now time.Time, lease time.Duration) (*Job, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := make([]string, 0, len(q.due))
	for id, at := range q.due {
		if !at.After(now) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sort.Slice(ids, func(a, b int) bool { return q.due[ids[a]].Before(q.due[ids[b]]) })
	j := q.jobs[ids[0]]
	q.due[j.ID] = now.Add(lease)
	return &j, nil
}

// Ack implements Queue.
func (q *MemoryQueue) Ack(_ context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.jobs, id)
	delete(q.due, id)
	return nil
}

// Retry implements Queue.
func (q *MemoryQueue) Retry(_ context.Context, j Job, due time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.jobs[j.ID]; !ok {
		return nil
	}
	q.jobs[j.ID], q.due[j.ID] = j, due
	return nil
}

// Len implements Queue.
func (q *MemoryQueue) Len(context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.jobs), nil
}

// RedisQueue is a Queue shared by every replica: a hash of jobs by id and a
// sorted set of ids by due time (Unix ms). Claiming moves a job's due time
// to the end of its lease in the same Lua script that reads it, so exactly
// one worker holds it at a time, and a worker that dies only delays it.
type RedisQueue struct {
	rdb        *redis.Client
	jobs, due  string
	claimTries int
}

var _ Queue = (*RedisQueue)(nil)

// NewRedisQueue keeps jobs under prefix ("onramp:") in rdb.
func NewRedisQueue(rdb *redis.Client, prefix string) *RedisQueue {
	return &RedisQueue{rdb: rdb, jobs: prefix + "webhook:jobs", due: prefix + "webhook:due", claimTries: 4}
}

var pushScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return 1`)

// claimScript returns {id, job} of the earliest job due by ARGV[1] and
// hides it until ARGV[2]; an id whose job is gone is dropped ({id, false}).
var claimScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return false end
local job = redis.call('HGET', KEYS[1], ids[1])
if not job then
  redis.call('ZREM', KEYS[2], ids[1])
  return {ids[1], ''}
end
redis.call('ZADD', KEYS[2], ARGV[2], ids[1])
return {ids[1], job}`)

var retryScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`)

// Push implements Queue.
func (q *RedisQueue) Push(ctx context.Context, j Job, due time.Time) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encode webhook job: %w", err)
	}
	if err := pushScript.Run(ctx, q.rdb, []string{q.jobs, q.due}, j.ID, b, due.UnixMilli()).Err(); err != nil {
		return fmt.Errorf("queue webhook %s: %w", j.ID, err)
	}
	return nil
}

// Claim implements Queue.
func (q *RedisQueue) Claim(ctx context.Context, now time.Time, lease time.Duration) (*Job, error) {
	for range q.claimTries {
		res, err := claimScript.Run(ctx, q.rdb, []string{q.jobs, q.due}, now.UnixMilli(), now.Add(lease).UnixMilli()).Slice()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("claim webhook: %w", err)
		}
		raw, _ := res[1].(string)
		if raw == "" {
			continue // a job acknowledged meanwhile: its id was dropped
		}
		var j Job
		if err := json.Unmarshal([]byte(raw), &j); err != nil {
			id, _ := res[0].(string)
			_ = q.Ack(ctx, id) // unreadable: it would fail forever
			return nil, fmt.Errorf("decode webhook job %s: %w", id, err)
		}
		return &j, nil
	}
	return nil, nil
}

// Ack implements Queue.
func (q *RedisQueue) Ack(ctx context.Context, id string) error {
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, q.due, id)
		p.HDel(ctx, q.jobs, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("acknowledge webhook %s: %w", id, err)
	}
	return nil
}

// Retry implements Queue.
func (q *RedisQueue) Retry(ctx context.Context, j Job, due time.Time) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encode webhook job: %w", err)
	}
	if err := retryScript.Run(ctx, q.rdb, []string{q.jobs, q.due}, j.ID, b, due.UnixMilli()).Err(); err != nil {
		return fmt.Errorf("reschedule webhook %s: %w", j.ID, err)
	}
	return nil
}

// Len implements Queue.
func (q *RedisQueue) Len(ctx context.Context) (int, error) {
	n, err := q.rdb.HLen(ctx, q.jobs).Result()
	if err != nil {
		return 0, fmt.Errorf("count webhooks: %w", err)
	}
	return int(n), nil
}
