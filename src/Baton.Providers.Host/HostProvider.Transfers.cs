using System.Security.Cryptography;
using Baton.Runtime;
using Baton.Values;

namespace Baton.Providers.Host;

/// <summary>
/// The <c>host.copy</c> and <c>host.fetch</c> actions. Bytes move as streams both ways: a copy is hashed from the
/// local file, then streamed on the standard input of the write script every file write uses
/// (<see cref="PutFileAsync"/>); a fetch streams <c>cat</c>'s output into a temporary file beside the destination,
/// checks it against the SHA-256 the host prints after the copy, and renames it into place. Local paths resolve
/// inside the provider's file_root.
/// </summary>
internal sealed partial class HostProvider
{
    /// <summary>The mode a fetched file gets: it may be a database dump, so only its owner reads it.</summary>
    private const UnixFileMode FetchedMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private async Task<InvokeResult> CopyActionAsync(string action, InventoryHost host, Inputs inputs, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var path = RemotePath(inputs, errors);
        ValidateOwnership(inputs, errors);
        var timeout = ActionTimeout(inputs, errors);
        var content = inputs.Known("content");
        var source = inputs.Known("source");
        if ((content is null) == (source is null))
        {
            errors.Add("give source (a local file) or content, one of them");
        }
        else if (content is not null && content.Kind != ValueKind.String)
        {
            errors.Add($"content: expected text, got {content.WithoutSensitivity().ToDisplayString()}");
        }

        var local = source is null ? null : LocalPath("source", source, errors);
        if (local is not null && !File.Exists(local))
        {
            errors.Add($"source: \"{source!.AsString()}\" is not a file");
        }

        if (errors.Count > 0)
        {
            return ActionFailed(action, string.Join("; ", errors));
        }

        FileBody body;
        try
        {
            body = local is not null ? await FileBody.OfFileAsync(local, cancellationToken).ConfigureAwait(false) : FileBody.Of(content!.AsString());
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ActionFailed(action, $"source: cannot read \"{local}\": {exception.Message}");
        }

        var (found, changed, failure) = await PutFileAsync(host, action, path!, body, Ownership(inputs), makeDirectory: false, timeout, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return new InvokeResult { Error = failure };
        }

        var sensitive = content is { ContainsSensitive: true };
        return new InvokeResult
        {
            Outputs = Value.Map(
            [
                new("size", Value.Number(found!.Stat?.Size ?? body.Size)),
                new("sha256", Value.String(found.Sha256 ?? body.Sha256).WithSensitivity(sensitive)),
                new("changed", Value.Bool(changed)),
            ]),
        };
    }

    private async Task<InvokeResult> FetchActionAsync(string action, InventoryHost host, Inputs inputs, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var path = RemotePath(inputs, errors);
        var timeout = ActionTimeout(inputs, errors);
        var local = inputs.Known("destination") is { } destination ? LocalPath("destination", destination, errors) : null;
        if (inputs.Known("destination") is null)
        {
            errors.Add("destination is required: the local file to write, inside the provider's file_root");
        }
        else if (local is not null && Directory.Exists(local))
        {
            errors.Add($"destination: \"{local}\" is a directory, not a file");
        }
        else if (local is not null && !Directory.Exists(Path.GetDirectoryName(local)))
        {
            errors.Add($"destination: the directory \"{Path.GetDirectoryName(local)}\" does not exist");
        }

        if (errors.Count > 0)
        {
            return ActionFailed(action, string.Join("; ", errors));
        }

        var temporary = AtomicFile.TemporaryPathFor(local!);
        try
        {
            RemoteResult result;
            var created = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.Asynchronous, BufferSize = 81920 };
            if (!OperatingSystem.IsWindows())
            {
                created.UnixCreateMode = FetchedMode;
            }

            string sha256;
            long size;
            await using (var file = new FileStream(temporary, created))
            {
                result = await Connection(host).RunAsync(RemoteShell.Script(RemoteScripts.ReadFile, [path!]), input: null, output: file, timeout, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    return new InvokeResult { Error = Failed(action, host, $"reading {path}", result) };
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                size = file.Length;
                file.Position = 0;
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
            }

            var remote = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith("sha256 ", StringComparison.Ordinal))?["sha256 ".Length..];
            if (!string.Equals(remote, sha256, StringComparison.Ordinal))
            {
                return new InvokeResult { Error = ProviderError.Transient($"{action}: on {host.Display}: {path} arrived with SHA-256 {sha256} but the host's copy has {remote ?? "none"} (it changed while it was fetched, or the transfer broke); {local} was left as it was") };
            }

            File.Move(temporary, local!, overwrite: true);
            return new InvokeResult
            {
                Outputs = Value.Map(
                [
                    new("path", Value.String(local!)),
                    new("size", Value.Number(size)),
                    new("sha256", Value.String(sha256)),
                ]),
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ActionFailed(action, $"writing \"{local}\": {exception.Message}");
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Left for the next fetch to the same place to overwrite under another name; it is owner-only.
            }
        }
    }

    /// <summary>The action's remote <c>path</c>: required, absolute, a file's.</summary>
    private static string? RemotePath(Inputs inputs, List<string> errors)
    {
        if (inputs.Known("path") is null)
        {
            errors.Add("path is required: the file's absolute path on the host");
            return null;
        }

        var before = errors.Count;
        ValidatePath(inputs, errors, directory: false);
        return errors.Count == before ? inputs.Text("path") : null;
    }

    /// <summary>A local path input resolved inside the provider's file_root, or null with an error added.</summary>
    private string? LocalPath(string name, Value given, List<string> errors)
    {
        if (given.Kind != ValueKind.String)
        {
            errors.Add($"{name}: expected a path relative to the stack directory, got {given}");
            return null;
        }

        if (options.Files is not { } files)
        {
            errors.Add($"{name}: this provider instance has no file_root, so it reads and writes no local files");
            return null;
        }

        if (!files.TryResolve(given.AsString(), out var resolved, out var error))
        {
            errors.Add($"{name}: {error}");
            return null;
        }

        return resolved;
    }
}
