using System.Net.Sockets;
using System.Runtime.InteropServices;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Baton.Providers.Host;

/// <summary>
/// The one SSH connection to one host, opened on first use and shared by every operation on the host: each command
/// runs on a channel of its own, at most <see cref="HostOptions.SessionsPerHost"/> at once. A connection found dead
/// is opened again (once) by the next operation. The server's key must be in the host's known_hosts.
/// </summary>
internal sealed class HostConnection(InventoryHost host, HostOptions options, ForkGate forks) : IDisposable
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly SemaphoreSlim _sessions = new(options.SessionsPerHost, options.SessionsPerHost);
    private readonly SemaphoreSlim _entering = new(1, 1);
    private readonly Lock _activity = new();
    private int _active;
    private SshClient? _client;
    private int _opened;
    private bool _disposed;

    /// <summary>The host.</summary>
    public InventoryHost Host => host;

    /// <summary>How many connections were opened to the host so far.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>
    /// Runs <paramref name="argv"/> (through <c>sudo -n</c> when the host has <c>become</c>) with
    /// <paramref name="input"/> on its standard input. A command that runs and fails is a result, not an exception;
    /// a host that cannot run it throws <see cref="RemoteHostException"/>.
    /// </summary>
    public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, ReadOnlyMemory<byte>? input, TimeSpan? timeout, CancellationToken cancellationToken) =>
        RunAsync(argv, input is { } bytes ? AsStream(bytes) : null, output: null, timeout, cancellationToken);

    /// <summary>
    /// Runs <paramref name="argv"/> as <see cref="RunAsync(IReadOnlyList{string}, ReadOnlyMemory{byte}?, TimeSpan?, CancellationToken)"/>
    /// does, streaming: <paramref name="input"/> (read to its end) is sent in chunks, and when <paramref name="output"/>
    /// is given the command's standard output is copied into it as it arrives (the result's Stdout is then empty), so
    /// a file of any size passes through without being held in memory.
    /// </summary>
    public async Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, Stream? input, Stream? output, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var line = RemoteShell.Quote(RemoteShell.Become(argv, host.Become, host.BecomeUser));
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _sessions.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var client = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
                return await ExecuteAsync(client, line, argv[0], input, output, timeout ?? options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sessions.Release();
            }
        }
        finally
        {
            Leave();
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false) : new MemoryStream(bytes.ToArray(), writable: false);

    private async Task<RemoteResult> ExecuteAsync(SshClient client, string line, string program, Stream? input, Stream? output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        SshCommand command;
        try
        {
            command = client.CreateCommand(line);
        }
        catch (Exception exception) when (exception is SshConnectionException or ObjectDisposedException or InvalidOperationException)
        {
            Drop(client);
            throw new RemoteHostException(ProviderError.Transient($"{host.Display}: the connection was lost: {exception.Message}"), exception);
        }

        using (command)
        {
            var copying = Task.CompletedTask;
            try
            {
                var running = command.ExecuteAsync(deadline.Token);
                if (output is not null)
                {
                    copying = command.OutputStream.CopyToAsync(output, 81920, deadline.Token);
                }

                if (input is not null)
                {
                    await WriteInputAsync(command, input, running, deadline.Token).ConfigureAwait(false);
                }

                await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RemoteHostException(ProviderError.Transient($"{host.Display}: {program} did not finish within {Baton.Text.Durations.Format(timeout)} (command_timeout) and was stopped"));
            }
            catch (Exception exception) when (exception is SshException or SocketException or IOException or ObjectDisposedException)
            {
                Drop(client);
                throw new RemoteHostException(ProviderError.Transient($"{host.Display}: the connection was lost while running {program}: {exception.Message}"), exception);
            }

            try
            {
                await copying.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new RemoteHostException(ProviderError.Permanent($"{host.Display}: the output of {program} could not be stored: {exception.Message}"), exception);
            }

            return new RemoteResult(command.ExitStatus, command.ExitSignal, output is null ? command.Result : string.Empty, command.Error);
        }
    }

    private static async Task WriteInputAsync(SshCommand command, Stream input, Task running, CancellationToken cancellationToken)
    {
        var chunk = new byte[32 * 1024];
        try
        {
            using var stream = command.CreateInputStream();
            int read;
            while (!running.IsCompleted && (read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SshException or IOException or ObjectDisposedException or InvalidOperationException && running.IsCompleted)
        {
            // The command ended before it read all of its input (it failed early); its exit status says why.
        }
    }

    private async Task<SshClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { IsConnected: true } current)
        {
            return current;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_client is { IsConnected: true } connected)
            {
                return connected;
            }

            _client?.Dispose();
            _client = null;
            var client = await OpenAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _opened);
            Volatile.Write(ref _client, client);
            return client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<SshClient> OpenAsync(CancellationToken cancellationToken)
    {
        var info = new ConnectionInfo(host.Address, host.Port, host.User, new PrivateKeyAuthenticationMethod(host.User, host.Key))
        {
            Timeout = options.ConnectTimeout,
        };
        OfferKnownKeyTypes(info);
        var client = new SshClient(info) { KeepAliveInterval = KeepAlive };
        string? refusal = null;
        client.HostKeyReceived += (_, e) =>
        {
            refusal = host.KnownHosts.Check(host.Address, host.Port, e.HostKey);
            e.CanTrust = refusal is null;
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        try
        {
            await client.ConnectAsync(deadline.Token).ConfigureAwait(false);
            return client;
        }
        catch (Exception exception) when (refusal is not null)
        {
            client.Dispose();
            throw new RemoteHostException(ProviderError.Permanent($"{host.Display}: refused: {refusal}"), exception);
        }
        catch (SshAuthenticationException exception)
        {
            client.Dispose();
            throw new RemoteHostException(ProviderError.Permanent($"{host.Display}: authentication as {host.User} with the private key failed: {exception.Message}"), exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new RemoteHostException(ProviderError.Transient($"{host.Display}: cannot connect: no answer within {Baton.Text.Durations.Format(options.ConnectTimeout)} (connect_timeout)"), exception);
        }
        catch (SshOperationTimeoutException exception)
        {
            client.Dispose();
            throw new RemoteHostException(ProviderError.Transient($"{host.Display}: cannot connect: no answer within {Baton.Text.Durations.Format(options.ConnectTimeout)} (connect_timeout)"), exception);
        }
        catch (SocketException exception)
        {
            client.Dispose();
            throw new RemoteHostException(ProviderError.Transient($"{host.Display}: cannot connect: {exception.Message} ({exception.SocketErrorCode})"), exception);
        }
        catch (Exception exception) when (exception is SshException or IOException or ProxyException)
        {
            client.Dispose();
            throw new RemoteHostException(ProviderError.Transient($"{host.Display}: cannot open the SSH session: {exception.Message}"), exception);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Offers the server only the host key algorithms of the key types known_hosts holds for it, so it presents a key
    /// the check can compare (a server with an ed25519 and an RSA key otherwise picks one we may not know). With no
    /// key known, or none the library supports, every algorithm is offered and the check refuses.
    /// </summary>
    private void OfferKnownKeyTypes(ConnectionInfo info)
    {
        var known = host.KnownHosts.KeyTypesFor(host.Address, host.Port);
        if (known.Count == 0)
        {
            return;
        }

        var keep = info.HostKeyAlgorithms.Keys.Where(a => known.Contains(KeyTypeOf(a), StringComparer.Ordinal)).ToList();
        if (keep.Count == 0)
        {
            return;
        }

        foreach (var algorithm in info.HostKeyAlgorithms.Keys.Except(keep, StringComparer.Ordinal).ToList())
        {
            info.HostKeyAlgorithms.Remove(algorithm);
        }
    }

    private static string KeyTypeOf(string algorithm) => algorithm switch
    {
        "rsa-sha2-512" or "rsa-sha2-256" => "ssh-rsa",
        _ => algorithm,
    };

    private void Drop(SshClient client)
    {
        if (Interlocked.CompareExchange(ref _client, null, client) == client)
        {
            client.Dispose();
        }
    }

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        await _entering.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_activity)
            {
                if (_active > 0)
                {
                    _active++;
                    return;
                }
            }

            // No operation of this host runs, and none can start or end meanwhile: take a fork slot for the host.
            await forks.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_activity)
            {
                _active++;
            }
        }
        finally
        {
            _entering.Release();
        }
    }

    private void Leave()
    {
        lock (_activity)
        {
            if (--_active == 0)
            {
                forks.Release();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Interlocked.Exchange(ref _client, null)?.Dispose();
        _connecting.Dispose();
        _sessions.Dispose();
        _entering.Dispose();
    }
}
