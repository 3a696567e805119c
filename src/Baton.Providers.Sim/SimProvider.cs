using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Providers.Sim;

/// <summary>
/// The simulated cloud. Each call first takes its latency (on the configured clock), then may be throttled or fail
/// as its knobs say, and only then touches the world — so a failed call changed nothing.
/// </summary>
internal sealed class SimProvider : IProvider
{
    /// <summary>Problems with a sim resource's or action's inputs.</summary>
    public const string InvalidInputCode = "BT5101";

    /// <summary>The form <c>output_hash</c> is taken over: the inputs' plain JSON, ignoring sensitive marks.</summary>
    private static readonly ValueJsonOptions HashForm = ValueJsonOptions.Plain with { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SimWorldStore _store;
    private readonly SimSettings _settings;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    public SimProvider(SimWorldStore store, SimSettings settings, TimeProvider time)
    {
        _store = store;
        _settings = settings;
        _time = time;
        _random = settings.Seed is { } seed ? new Random(seed) : new Random();
    }

    public ProviderSchema Schema => SimSchema.Provider;

    public ValueTask<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != SimSchema.ResourceType)
        {
            return ValueTask.FromResult(new ValidateResult([UnknownType(request.Type, request.Address)]));
        }

        if (SimKnobs.TryRead(request.Inputs, out _, out var errors))
        {
            return ValueTask.FromResult(ValidateResult.Valid);
        }

        var diagnostics = errors.Select(error => Diagnostic.Error(InvalidInputCode, error) with { Subject = request.Address });
        return ValueTask.FromResult(new ValidateResult([.. diagnostics]));
    }

    public ValueTask<PlanResult> PlanAsync(PlanRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != SimSchema.ResourceType)
        {
            return ValueTask.FromResult(new PlanResult { PlannedAttributes = Value.EmptyMap, Diagnostics = [UnknownType(request.Type, request.Address)] });
        }

        var plan = ResourcePlanning.Plan(SimSchema.Resource, request);
        var planned = plan.PlannedAttributes.AsMap();
        var input = planned["input"];
        var replace = plan.RequiresReplace;
        if (request.PriorInputs is { Kind: ValueKind.Map } prior)
        {
            var priorInput = prior.AsMap().TryGetValue("input", out var old) ? old : Value.Null;
            var forces = planned["input_forces_replace"];
            var mayForce = !forces.IsKnown || (forces.Kind == ValueKind.Bool && forces.AsBool());
            if (mayForce && (!input.IsWhollyKnown || input != priorInput) && !replace.Contains("input"))
            {
                replace = replace.Add("input");
            }
        }

        var keepsId = request.PriorInputs is not null && replace.IsEmpty
            && request.PriorAttributes is { Kind: ValueKind.Map } priorAttributes
            && priorAttributes.AsMap().TryGetValue("id", out var priorId) && priorId.Kind == ValueKind.String;
        var builder = planned.ToBuilder();
        builder["id"] = keepsId ? request.PriorAttributes!.AsMap()["id"] : Value.Unknown(BatonType.String);
        builder["output"] = input.IsWhollyKnown ? input : Value.Unknown(BatonType.Any);
        builder["output_hash"] = input.IsWhollyKnown ? Hash(input) : Value.Unknown(BatonType.String);
        return ValueTask.FromResult(plan with { PlannedAttributes = Value.Map(builder), RequiresReplace = replace });
    }

    public async ValueTask<ResourceResult> CreateAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != SimSchema.ResourceType)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"the sim provider has no resource type \"{request.Type}\""));
        }

        if (!SimKnobs.TryRead(request.Inputs, out var knobs, out var errors))
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: {string.Join("; ", errors)}"));
        }

        if (await SimulateAsync(knobs, request.Address, "create", allowPermanent: true, cancellationToken) is { } error)
        {
            return ResourceResult.Failure(error);
        }

        var inputs = Normalize(request.Inputs);
        var (row, created) = await _store.CreateAsync(request.Type, request.Address, request.IdempotencyKey, ValueJson.ToJson(inputs, ValueJsonOptions.Inline), Now());
        if (!created)
        {
            if (row.Deleted)
            {
                return ResourceResult.Failure(ProviderError.Permanent(
                    $"{request.Address}: the object {row.Id} that idempotency key {request.IdempotencyKey} made has since been deleted"));
            }

            inputs = ValueJson.Parse(row.Inputs, ValueJsonOptions.Inline);
        }

        return ResourceResult.Success(row.Id, Attributes(row.Id, inputs));
    }

    public async ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != SimSchema.ResourceType)
        {
            return ReadResult.Failure(ProviderError.Permanent($"the sim provider has no resource type \"{request.Type}\""));
        }

        SimKnobs.TryRead(request.Inputs ?? request.Attributes, out var knobs, out _);
        if (await SimulateAsync(knobs ?? SimKnobs.None, request.Address, "read", allowPermanent: false, cancellationToken) is { } error)
        {
            return ReadResult.Failure(error);
        }

        var row = request.Id is { } id ? _store.FindById(id)
            : request.IdempotencyKey is { } key ? _store.FindByKey(key)
            : null;
        if (row is null)
        {
            return ReadResult.Gone;
        }

        var inputs = row.Deleted ? null : row.Inputs;
        if (_settings.ReadAfterWriteDelay > TimeSpan.Zero && Now() - row.UpdatedAt < (long)_settings.ReadAfterWriteDelay.TotalMilliseconds)
        {
            // Not yet consistent: the read sees the version before the last write (nothing, before the create).
            inputs = row.PreviousInputs;
        }

        return inputs is null ? ReadResult.Gone : ReadResult.Found(row.Id, Attributes(row.Id, ValueJson.Parse(inputs, ValueJsonOptions.Inline)));
    }

    public async ValueTask<ResourceResult> UpdateAsync(UpdateRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != SimSchema.ResourceType)
        {
            return ResourceResult.Failure(ProviderError.Permanent($"the sim provider has no resource type \"{request.Type}\""));
        }

        if (!SimKnobs.TryRead(request.Inputs, out var knobs, out var errors))
        {
            return ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: {string.Join("; ", errors)}"));
        }

        if (await SimulateAsync(knobs, request.Address, "update", allowPermanent: true, cancellationToken) is { } error)
        {
            return ResourceResult.Failure(error);
        }

        var inputs = Normalize(request.Inputs);
        var row = await _store.UpdateAsync(request.Id, request.Address, request.IdempotencyKey, ValueJson.ToJson(inputs, ValueJsonOptions.Inline), Now());
        return row is null
            ? ResourceResult.Failure(ProviderError.Permanent($"{request.Address}: the sim object {request.Id} does not exist"))
            : ResourceResult.Success(row.Id, Attributes(row.Id, inputs));
    }

    public async ValueTask<DeleteResult> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        if (request.Type != SimSchema.ResourceType)
        {
            return new DeleteResult(ProviderError.Permanent($"the sim provider has no resource type \"{request.Type}\""));
        }

        SimKnobs.TryRead(request.Attributes, out var knobs, out _);
        if (await SimulateAsync(knobs ?? SimKnobs.None, request.Address, "delete", allowPermanent: false, cancellationToken) is { } error)
        {
            return new DeleteResult(error);
        }

        await _store.DeleteAsync(request.Id, request.Address, request.IdempotencyKey, Now());
        return DeleteResult.Success;
    }

    public async ValueTask<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.Action == SimSchema.SignalName)
        {
            return await SignalAsync(request, cancellationToken);
        }

        if (request.Action != SimSchema.ActionName)
        {
            return new InvokeResult { Error = ProviderError.Permanent($"the sim provider has no action \"{request.Action}\"") };
        }

        if (!SimKnobs.TryRead(request.Inputs, out var knobs, out var errors))
        {
            return new InvokeResult { Error = ProviderError.Permanent($"{request.Action}: {string.Join("; ", errors)}") };
        }

        if (await SimulateAsync(knobs, request.Action, "action", allowPermanent: false, cancellationToken) is { } error)
        {
            return new InvokeResult { Error = error };
        }

        var output = request.Inputs.Kind == ValueKind.Map && request.Inputs.AsMap().TryGetValue("output", out var value) ? value : Value.Null;
        return new InvokeResult { Outputs = Value.Map([new("output", output)]) };
    }

    private async ValueTask<InvokeResult> SignalAsync(InvokeRequest request, CancellationToken cancellationToken)
    {
        if (request.Target is not { } target || request.TargetId is not { } id)
        {
            return new InvokeResult { Error = ProviderError.Permanent($"{SimSchema.SignalName} signals a resource: use it as the verb of a notification, notifies: [{{ signal: other }}]") };
        }

        if (!SimKnobs.TryRead(request.Inputs, out var knobs, out var errors))
        {
            return new InvokeResult { Error = ProviderError.Permanent($"{request.Action}: {string.Join("; ", errors)}") };
        }

        if (await SimulateAsync(knobs, request.Action, "signal", allowPermanent: true, cancellationToken) is { } error)
        {
            return new InvokeResult { Error = error };
        }

        await _store.SignalAsync(id, target, request.IdempotencyKey, Now());
        return new InvokeResult();
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The attributes of an object: its inputs, its id and what the cloud derives from its input.</summary>
    internal static Value Attributes(string id, Value inputs)
    {
        var builder = inputs.AsMap().ToBuilder();
        var input = builder.TryGetValue("input", out var given) ? given : Value.Null;
        builder["id"] = Value.String(id);
        builder["output"] = input;
        builder["output_hash"] = Hash(input);
        return Value.Map(builder);
    }

    /// <summary>Every input attribute, given or defaulted, as the plan shows them.</summary>
    private static Value Normalize(Value inputs)
    {
        var given = inputs.Kind == ValueKind.Map ? inputs.AsMap() : Value.EmptyMap.AsMap();
        var entries = new List<KeyValuePair<string, Value>>(SimSchema.Resource.Attributes.Length);
        foreach (var attribute in SimSchema.Resource.Attributes)
        {
            if (attribute.Computed)
            {
                continue;
            }

            var value = given.TryGetValue(attribute.Name, out var set) && set.Kind != ValueKind.Null ? set : attribute.Default ?? Value.Null;
            entries.Add(new(attribute.Name, value));
        }

        return Value.Map(entries);
    }

    private static Value Hash(Value input)
    {
        var hash = Value.String(Convert.ToHexStringLower(SHA256.HashData(ValueJson.ToUtf8(input, HashForm))));
        return input.ContainsSensitive ? hash.AsSensitive() : hash;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async ValueTask<ProviderError?> SimulateAsync(SimKnobs knobs, string subject, string call, bool allowPermanent, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(knobs, SimKnobs.None))
        {
            return null;
        }

        TimeSpan latency;
        double throttleRoll;
        double failRoll;
        lock (_randomLock)
        {
            latency = knobs.MaxLatency > knobs.MinLatency
                ? knobs.MinLatency + ((knobs.MaxLatency - knobs.MinLatency) * _random.NextDouble())
                : knobs.MinLatency;
            throttleRoll = knobs.ThrottleRate > 0 ? _random.NextDouble() : 1;
            failRoll = knobs.FailRate > 0 ? _random.NextDouble() : 1;
        }

        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _time, cancellationToken);
        }

        if (allowPermanent && knobs.FailPermanently)
        {
            return ProviderError.Permanent($"{subject}: the simulated {call} fails permanently (fail_permanently is true)");
        }

        if (throttleRoll < knobs.ThrottleRate)
        {
            return ProviderError.Throttled($"{subject}: the simulated {call} was throttled", _settings.RetryAfter);
        }

        if (failRoll < knobs.FailRate)
        {
            return ProviderError.Transient($"{subject}: the simulated {call} failed (fail_rate {Value.FormatNumber(knobs.FailRate)})");
        }

        return null;
    }

    private static Diagnostic UnknownType(string type, string address) =>
        Diagnostic.Error(InvalidInputCode, $"the sim provider has no resource type \"{type}\"") with { Subject = address };
}
