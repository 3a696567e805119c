using System.Security.Cryptography;
using System.Text;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers.Nginx;

/// <summary>
/// <c>nginx.site</c>: one config file per site in the private nginx's <c>sites/</c>. Every change is written
/// atomically, checked with <c>nginx -t</c> on the whole configuration, then applied by a reload (or by starting the
/// master); when any step fails the previous file is put back (and nginx reloaded onto it), so a rejected config
/// never goes live and the error carries nginx's own message. Calls are serialised: the configuration is shared.
/// </summary>
internal sealed class NginxProvider(NginxServer server, string stackDirectory) : IProvider
{
    /// <summary>A resource type the nginx provider does not offer, or an input it cannot use.</summary>
    public const string InvalidInputCode = "BT5501";

    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _lock = new(1, 1);

    public ProviderSchema Schema => NginxSchema.Provider;

    /// <summary>The id of the site a create with <paramref name="idempotencyKey"/> makes, so a retry or a read by key finds it.</summary>
    internal static string IdFor(string idempotencyKey) =>
        "site-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..20];

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ValidateResult(Check(request.Type, request.Address, request.Inputs)));

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        var diagnostics = Check(request.Type, request.Address, request.Inputs);
        if (request.Type != NginxSchema.SiteType)
        {
            return ValueTask.FromResult(new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = diagnostics });
        }

        var plan = ResourcePlanning.Plan(NginxSchema.Site, request);
        var builder = plan.PlannedAttributes.AsMap().ToBuilder();
        var spec = SiteSpec.Read(request.Inputs, stackDirectory, []);
        builder["url"] = spec is not null ? Value.String(spec.Url) : Value.Unknown(BatonType.String);
        builder["status_url"] = spec is null ? Value.Unknown(BatonType.String) : spec.StatusUrl is { } statusUrl ? Value.String(statusUrl) : Value.Null;
        if (request.PriorAttributes is { Kind: ValueKind.Map } prior && prior.AsMap().TryGetValue("id", out var id) && id.Kind == ValueKind.String)
        {
            // The file the inputs render to, against the one last seen: a difference (new inputs, or drift) is an update.
            var expected = spec is not null ? Value.String(SiteSpec.Sha256(spec.Render(id.AsString()))) : Value.Unknown(BatonType.String);
            builder["config_sha256"] = prior.AsMap().TryGetValue("config_sha256", out var seen) && seen == expected ? seen : Value.Unknown(BatonType.String);
        }

        return ValueTask.FromResult(plan with { PlannedAttributes = Value.Map(builder), Diagnostics = diagnostics });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken) =>
        await ApplyAsync(request.Type, request.Address, IdFor(request.IdempotencyKey), request.Inputs, cancellationToken);

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken) =>
        await ApplyAsync(request.Type, request.Address, request.Id, request.Inputs, cancellationToken);

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != NginxSchema.SiteType)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the nginx provider has no resource type \"{request.Type}\""));
        }

        var id = request.Id ?? (request.IdempotencyKey is { } key ? IdFor(key) : null);
        if (id is null || !IsSiteId(id))
        {
            return ReadResult.Gone;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            var file = server.SiteFile(id);
            if (!File.Exists(file))
            {
                return ReadResult.Gone;
            }

            var given = request.Inputs ?? request.Attributes;
            var spec = given is null ? null : SiteSpec.Read(given, stackDirectory, []);
            if (given is null || spec is null)
            {
                return ReadResult.Failure(ProviderError.Permanent($"{request.Address}: the site {id} exists but its inputs are not known"));
            }

            // A file changed on disk, or a master that is not running, is drift: the hash no longer matches the inputs.
            var actual = SiteSpec.Sha256(await File.ReadAllTextAsync(file, cancellationToken));
            var hash = server.MasterPid() is null ? "master-not-running" : actual;
            return ReadResult.Found(id, Attributes(given, id, spec, hash));
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != NginxSchema.SiteType)
        {
            return new DeleteResult(ProviderError.Permanent($"the nginx provider has no resource type \"{request.Type}\""));
        }

        if (!IsSiteId(request.Id))
        {
            return DeleteResult.Success;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            var file = server.SiteFile(request.Id);
            if (!File.Exists(file))
            {
                return DeleteResult.Success;
            }

            var previous = await File.ReadAllTextAsync(file, cancellationToken);
            File.Delete(file);
            if (!Directory.EnumerateFiles(server.SitesDirectory, "*.conf").Any())
            {
                await server.StopAsync(cancellationToken);
                return DeleteResult.Success;
            }

            var failure = await SwitchAsync(cancellationToken);
            if (failure is not null)
            {
                NginxServer.WriteAtomically(file, previous);
                await server.StartOrReloadAsync(cancellationToken);
                return new DeleteResult(ProviderError.Permanent($"{request.Address}: removing the site failed, it stays live: {failure}"));
            }

            return DeleteResult.Success;
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new InvokeResult { Error = ProviderError.Permanent($"the nginx provider has no action \"{request.Action}\"") });

    public ValueTask DisposeAsync()
    {
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }

    private static bool IsSiteId(string id) => id.StartsWith("site-", StringComparison.Ordinal) && id.Length == 25 && id[5..].All(char.IsAsciiHexDigitLower);

    private Value Attributes(Value given, string id, SiteSpec spec, string hash)
    {
        var map = given.AsMap();
        var builder = Value.EmptyMap.AsMap().ToBuilder();
        foreach (var attribute in NginxSchema.Site.Attributes.Where(a => !a.Computed))
        {
            builder[attribute.Name] = map.TryGetValue(attribute.Name, out var value) && value.Kind != ValueKind.Null ? value : attribute.Default ?? Value.Null;
        }

        builder["id"] = Value.String(id);
        builder["url"] = Value.String(spec.Url);
        builder["status_url"] = spec.StatusUrl is { } statusUrl ? Value.String(statusUrl) : Value.Null;
        builder["config_file"] = Value.String(server.SiteFile(id));
        builder["config_sha256"] = Value.String(hash);
        return Value.Map(builder);
    }

    private List<Diagnostic> CheckList(string type, string address, Value inputs)
    {
        if (type != NginxSchema.SiteType)
        {
            return [Diagnostic.Error(InvalidInputCode, $"the nginx provider has no resource type \"{type}\"") with { Subject = address }];
        }

        var errors = new List<string>();
        SiteSpec.Read(inputs, stackDirectory, errors);
        return [.. errors.Select(error => Diagnostic.Error(InvalidInputCode, error) with { Subject = address })];
    }

    private System.Collections.Immutable.ImmutableArray<Diagnostic> Check(string type, string address, Value inputs) => [.. CheckList(type, address, inputs)];

    private async Task<ResourceResult> ApplyAsync(string type, string address, string id, Value inputs, CancellationToken cancellationToken)
    {
        if (type != NginxSchema.SiteType)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"the nginx provider has no resource type \"{type}\""));
        }

        var errors = new List<string>();
        var spec = SiteSpec.Read(inputs, stackDirectory, errors);
        if (errors.Count > 0 || spec is null)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: {(errors.Count > 0 ? string.Join("; ", errors) : "the inputs are not all known")}"));
        }

        // A directory may be made by the stack itself, so it is looked for now, not at plan time.
        if (spec.Locations.FirstOrDefault(l => (l.Root ?? l.Alias) is { } directory && !Directory.Exists(directory)) is { } missing)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: locations[\"{missing.Path}\"]: directory \"{missing.Root ?? missing.Alias}\" does not exist; nothing was changed"));
        }

        var text = spec.Render(id);
        var hash = SiteSpec.Sha256(text);
        await _lock.WaitAsync(cancellationToken);
        try
        {
            server.Prepare();
            var file = server.SiteFile(id);
            var previous = File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : null;
            var running = server.MasterPid() is not null;
            if (previous == text && running)
            {
                return ResourceResult.Success(id, Attributes(inputs, id, spec, hash));
            }

            // A port some other socket holds would only fail at reload, after nginx -t passed: check it first. When
            // this site already listens there (our nginx holds it), the port is ours.
            var ours = running && previous is not null && previous.Contains(ListenLine(spec), StringComparison.Ordinal);
            if (!ours && NginxServer.CannotBind(spec.Address, spec.Listen) is { } unavailable)
            {
                return ResourceResult.Failure(ProviderError.Permanent($"{address}: {unavailable}; nothing was changed"));
            }

            NginxServer.WriteAtomically(file, text);
            var failure = await SwitchAsync(cancellationToken);
            if (failure is null && !await server.AcceptsAsync(spec.Address, spec.Listen, ListenTimeout, cancellationToken))
            {
                failure = $"nginx applied the configuration but port {spec.Listen} on {spec.Address} did not accept connections within {ListenTimeout.TotalSeconds:0}s";
            }

            if (failure is null)
            {
                return ResourceResult.Success(id, Attributes(inputs, id, spec, hash));
            }

            await RestoreAsync(file, previous, cancellationToken);
            return ResourceResult.Failure(ProviderError.Permanent($"{address}: the configuration was rejected and the previous one stays live: {failure}"));
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Checks the whole configuration, then starts or reloads nginx onto it; null on success, else nginx's message.</summary>
    private async Task<string?> SwitchAsync(CancellationToken cancellationToken)
    {
        if (await server.TestAsync(cancellationToken) is { } rejected)
        {
            return rejected;
        }

        return await server.StartOrReloadAsync(cancellationToken);
    }

    private async Task RestoreAsync(string file, string? previous, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            File.Delete(file);
        }
        else
        {
            NginxServer.WriteAtomically(file, previous);
        }

        if (!Directory.EnumerateFiles(server.SitesDirectory, "*.conf").Any())
        {
            await server.StopAsync(cancellationToken);
        }
        else if (server.MasterPid() is not null)
        {
            // Only when the bad file reached the master: after a failed nginx -t a reload is harmless.
            await server.StartOrReloadAsync(cancellationToken);
        }
    }

    private static string ListenLine(SiteSpec spec) =>
        $"    listen {(spec.Address.Contains(':', StringComparison.Ordinal) ? "[" + spec.Address + "]" : spec.Address)}:{spec.Listen.ToString(System.Globalization.CultureInfo.InvariantCulture)};";
}
