import { describe, expect, it } from 'vitest';
import { descriptorsNeeded, findPgbouncer, pgbouncerIni, serverTransportOf } from './pgbouncer.js';

describe('pgbouncer ini', () => {
  const opts = { dir: '/d', port: 6432, server: { port: 5432, database: 'authbench' }, user: { name: 'authbench_app', password: 'p"w' }, poolSize: 40, maxClients: 800 };
  it('is transaction pooling with SCRAM from the auth file, the pool size and client limit asked for, and no Unix socket', () => {
    const ini = pgbouncerIni(opts, { authFile: '/d/userlist.txt', logFile: '/d/pgbouncer.log', pidFile: '/d/pgbouncer.pid' });
    for (const line of ['authbench = host=127.0.0.1 port=5432 dbname=authbench', 'pool_mode = transaction', 'auth_type = scram-sha-256', 'auth_file = /d/userlist.txt', 'default_pool_size = 40', 'max_client_conn = 800', 'unix_socket_dir =', 'stats_users = authbench_app', 'listen_port = 6432']) {
      expect(ini.split('\n')).toContain(line);
    }
    expect(ini).not.toContain('p"w'); // the password lives in the auth file only
    expect(ini).not.toContain('tls');
  });

  const tls = { caFile: '/d/ca.pem', certFile: '/d/server.crt', keyFile: '/d/server.key' };
  it('with certificates, requires TLS from clients and verifies PostgreSQL over TCP', () => {
    const ini = pgbouncerIni(opts, { authFile: 'a', logFile: 'l', pidFile: 'p', tls });
    expect(ini.split('\n')).toEqual(expect.arrayContaining(['client_tls_sslmode = require', 'client_tls_key_file = /d/server.key', 'server_tls_sslmode = verify-full', 'server_tls_ca_file = /d/ca.pem']));
    expect(serverTransportOf({ ...opts, tls })).toBe('tcp-tls');
    expect(serverTransportOf(opts)).toBe('tcp');
  });

  it("on PostgreSQL's Unix socket, names its directory as the host and keeps TLS for the clients only", () => {
    const local = { ...opts, server: { ...opts.server, socketDir: '/data/pg17' } };
    const lines = pgbouncerIni(local, { authFile: 'a', logFile: 'l', pidFile: 'p', tls }).split('\n');
    expect(lines).toContain('authbench = host=/data/pg17 port=5432 dbname=authbench');
    expect(lines).toContain('client_tls_sslmode = require');
    expect(lines.filter((l) => l.startsWith('server_tls'))).toEqual([]);
    expect(serverTransportOf({ ...local, tls })).toBe('unix-socket');
  });

  it('pools by transaction unless session mode is asked for', () => {
    const lines = (mode?: 'session') => pgbouncerIni({ ...opts, ...(mode ? { poolMode: mode } : {}) }, { authFile: 'a', logFile: 'l', pidFile: 'p' }).split('\n');
    expect(lines()).toContain('pool_mode = transaction');
    expect(lines('session')).toContain('pool_mode = session');
  });

  it('is looked up on PATH only, and needs a descriptor per client and server connection', () => {
    expect(findPgbouncer('/nonexistent')).toBeUndefined();
    expect(descriptorsNeeded({ maxClients: 800, poolSize: 40 })).toBeGreaterThan(840);
  });
});
