// Which PostgreSQL settings a scenario may set in `target.serverSettings`: an allow-list of performance settings,
// and the unsafe ones (commands, code, listening, durability) that need `--allow-unsafe-settings`. Pure data.

/**
 * Performance settings, by group. Each changes how fast the server is, never what it runs, where it listens or
 * whether a commit survives a crash. Statement logging (log_statement, log_min_duration_statement) is left out:
 * it writes query parameters (password hashes, refresh tokens) into the server log.
 */
export const PERFORMANCE_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  memory: ['shared_buffers', 'effective_cache_size', 'work_mem', 'maintenance_work_mem', 'autovacuum_work_mem', 'temp_buffers', 'hash_mem_multiplier', 'logical_decoding_work_mem', 'huge_pages', 'temp_file_limit', 'max_files_per_process'],
  connections: ['max_connections', 'superuser_reserved_connections', 'reserved_connections', 'max_locks_per_transaction', 'max_pred_locks_per_transaction'],
  // WAL volume, group commit and checkpoint pacing: durability-neutral (every commit is still flushed before it returns).
  'WAL and checkpoints': ['wal_buffers', 'max_wal_size', 'min_wal_size', 'wal_compression', 'wal_init_zero', 'wal_recycle', 'wal_writer_delay', 'wal_writer_flush_after', 'wal_skip_threshold', 'commit_delay', 'commit_siblings', 'checkpoint_timeout', 'checkpoint_completion_target', 'checkpoint_flush_after', 'checkpoint_warning'],
  'background writer and I/O': ['bgwriter_delay', 'bgwriter_lru_maxpages', 'bgwriter_lru_multiplier', 'bgwriter_flush_after', 'backend_flush_after', 'effective_io_concurrency', 'maintenance_io_concurrency', 'io_combine_limit'],
  planner: ['random_page_cost', 'seq_page_cost', 'cpu_tuple_cost', 'cpu_index_tuple_cost', 'cpu_operator_cost', 'parallel_setup_cost', 'parallel_tuple_cost', 'min_parallel_table_scan_size', 'min_parallel_index_scan_size', 'default_statistics_target', 'plan_cache_mode', 'from_collapse_limit', 'join_collapse_limit', 'geqo', 'geqo_threshold', 'enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan', 'enable_hashjoin', 'enable_mergejoin', 'enable_nestloop', 'enable_hashagg', 'enable_sort', 'enable_incremental_sort', 'enable_material', 'enable_memoize', 'enable_partition_pruning', 'enable_partitionwise_join', 'enable_partitionwise_aggregate', 'enable_parallel_append', 'enable_parallel_hash', 'enable_presorted_aggregate'],
  // jit_provider is not here: it names a library to load.
  jit: ['jit', 'jit_above_cost', 'jit_inline_above_cost', 'jit_optimize_above_cost'],
  parallelism: ['max_worker_processes', 'max_parallel_workers', 'max_parallel_workers_per_gather', 'max_parallel_maintenance_workers'],
  autovacuum: ['autovacuum', 'autovacuum_naptime', 'autovacuum_max_workers', 'autovacuum_vacuum_cost_delay', 'autovacuum_vacuum_cost_limit', 'autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_threshold', 'autovacuum_vacuum_insert_scale_factor', 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor', 'autovacuum_freeze_max_age', 'autovacuum_multixact_freeze_max_age', 'vacuum_cost_delay', 'vacuum_cost_limit', 'vacuum_cost_page_hit', 'vacuum_cost_page_miss', 'vacuum_cost_page_dirty', 'vacuum_buffer_usage_limit'],
  'locks and timeouts': ['deadlock_timeout', 'lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout'],
  // Counters only; log_checkpoints and log_autovacuum_min_duration log no query text.
  statistics: ['track_io_timing', 'track_wal_io_timing', 'track_activities', 'track_counts', 'track_functions', 'track_activity_query_size', 'log_checkpoints', 'log_lock_waits', 'log_autovacuum_min_duration', 'pg_stat_statements.max', 'pg_stat_statements.track', 'pg_stat_statements.track_utility'],
};

export type UnsafeReason = 'runs commands' | 'loads code' | 'changes where the server listens' | 'changes the server\'s files' | 'weakens durability';

/** Settings refused unless the run is given `--allow-unsafe-settings`, with why. */
export const UNSAFE_SETTINGS: Readonly<Record<string, UnsafeReason>> = {
  archive_mode: 'runs commands',
  archive_command: 'runs commands',
  archive_library: 'loads code',
  restore_command: 'runs commands',
  archive_cleanup_command: 'runs commands',
  recovery_end_command: 'runs commands',
  ssl_passphrase_command: 'runs commands',
  shared_preload_libraries: 'loads code',
  local_preload_libraries: 'loads code',
  session_preload_libraries: 'loads code',
  dynamic_library_path: 'loads code',
  jit_provider: 'loads code',
  listen_addresses: 'changes where the server listens',
  port: 'changes where the server listens',
  unix_socket_directories: 'changes where the server listens',
  unix_socket_group: 'changes where the server listens',
  unix_socket_permissions: 'changes where the server listens',
  data_directory: 'changes the server\'s files',
  config_file: 'changes the server\'s files',
  hba_file: 'changes the server\'s files',
  ident_file: 'changes the server\'s files',
  external_pid_file: 'changes the server\'s files',
  fsync: 'weakens durability',
  full_page_writes: 'weakens durability',
  wal_level: 'weakens durability',
  data_sync_retry: 'weakens durability',
  zero_damaged_pages: 'weakens durability',
  ignore_checksum_failure: 'weakens durability',
};

/** Settings with their own scenario field (results record them): refused here whatever the flags. */
export const FIELD_SETTINGS: Readonly<Record<string, string>> = {
  synchronous_commit: 'set target.synchronousCommit instead (results record it)',
};

const ALLOWED = new Set(Object.values(PERFORMANCE_SETTINGS).flat());

export type SettingDecision =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'unsafe'; readonly reason: UnsafeReason }
  | { readonly kind: 'field'; readonly message: string }
  | { readonly kind: 'unknown' };

/** What the allow-list says about one setting name. */
export function classifySetting(name: string): SettingDecision {
  if (ALLOWED.has(name)) return { kind: 'allowed' };
  const field = FIELD_SETTINGS[name];
  if (field !== undefined) return { kind: 'field', message: field };
  const reason = UNSAFE_SETTINGS[name];
  if (reason !== undefined) return { kind: 'unsafe', reason };
  return { kind: 'unknown' };
}

/** Every name the allow-list knows (for did-you-mean). */
export function knownSettingNames(): readonly string[] {
  return [...ALLOWED, ...Object.keys(UNSAFE_SETTINGS), ...Object.keys(FIELD_SETTINGS)];
}
