using Baton.Values;

namespace Baton.Providers.Tests.Conformance;

/// <summary>
/// The contract every provider's resource types keep (DESIGN.md §4). A provider's tests inherit this class once per
/// resource type, give a factory and configuration, inputs to create with, inputs to update in place with and,
/// optionally, inputs that force replacement; the facts below then run against that provider.
/// Implement <see cref="IConformanceObserver"/> on the derived class to let the kit count real objects.
/// </summary>
public abstract class ProviderConformance : IAsyncLifetime
{
    private IProvider? _provider;

    /// <summary>The factory under test.</summary>
    protected abstract IProviderFactory Factory { get; }

    /// <summary>The configuration to start the provider with.</summary>
    protected abstract ProviderConfiguration Configuration { get; }

    /// <summary>The resource type under test.</summary>
    protected abstract string ResourceType { get; }

    /// <summary>Inputs to create a resource with.</summary>
    protected abstract Value ValidInputs { get; }

    /// <summary>Different inputs that update the resource in place, or null for a type that every change replaces.</summary>
    protected abstract Value? ChangedInputs { get; }

    /// <summary>Inputs that force a replacement of a resource made with <see cref="ValidInputs"/>, or null when none do.</summary>
    protected virtual Value? ReplacingInputs => null;

    /// <summary>An id that no create ever returned.</summary>
    protected virtual string MissingId => "conformance-missing-" + Guid.NewGuid().ToString("N");

    /// <summary>Computed attributes the provider can know at plan time (so the kit does not require them unknown on create).</summary>
    protected virtual IReadOnlySet<string> ComputedKnownAtPlan => new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The resource address used.</summary>
    protected virtual string Address => ResourceType + ".conformance";

    /// <summary>The started provider.</summary>
    protected IProvider Provider => _provider ?? throw new InvalidOperationException("The provider is not started.");

    /// <summary>The resource type's schema.</summary>
    protected ResourceTypeSchema TypeSchema => Factory.Schema.ResourceType(ResourceType) ?? throw new InvalidOperationException($"No schema for {ResourceType}.");

    public virtual async Task InitializeAsync() => _provider = await Factory.StartAsync(Configuration);

    public virtual async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Fact]
    public void Schema_IsSane()
    {
        var schema = Factory.Schema;
        Assert.False(string.IsNullOrWhiteSpace(schema.Family));
        Assert.Equal(schema.Family, Provider.Schema.Family);
        Assert.StartsWith(schema.Family + ".", ResourceType, StringComparison.Ordinal);
        var type = TypeSchema;
        Assert.NotEmpty(type.Attributes);
        Assert.Equal(type.Attributes.Length, type.Attributes.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count());
        foreach (var attribute in type.Attributes.Concat(schema.Configuration))
        {
            Assert.False(string.IsNullOrWhiteSpace(attribute.Name));
            Assert.NotNull(attribute.Type);
            Assert.False(attribute.ForceNew && attribute.Computed && !attribute.Required, $"{attribute.Name} is force_new but only computed");
            Assert.False(attribute.Required && attribute.Default is not null, $"{attribute.Name} is required and has a default");
        }

        Assert.Contains(type.Attributes, a => a.Name == "id" && a.Computed);
    }

    [Fact]
    public async Task Lifecycle_CreateReadUpdateReadDeleteRead()
    {
        var created = await CreateAsync(ValidInputs, NewKey());
        AssertInputsReflected(ValidInputs, created.Attributes!);

        var read = await ReadAsync(created.Id!, ValidInputs, created.Attributes);
        Assert.True(read.Exists, "the created resource is not found");
        Assert.Null(read.Error);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(created.Attributes, read.Attributes);
        AssertRealObjects(created.Id!, 1);
        if (ChangedInputs is not { } changedInputs)
        {
            await DeleteAsync(created.Id!, read.Attributes!);
            Assert.False((await ReadAsync(created.Id!, ValidInputs, read.Attributes)).Exists, "the deleted resource is still found");
            AssertRealObjects(created.Id!, 0);
            return;
        }

        var updated = await Provider.UpdateAsync(
            new UpdateRequest
            {
                Type = ResourceType,
                Address = Address,
                Id = created.Id!,
                PriorInputs = ValidInputs,
                PriorAttributes = read.Attributes!,
                Inputs = changedInputs,
                IdempotencyKey = NewKey(),
            },
            CancellationToken.None);
        Assert.Null(updated.Error);
        Assert.Equal(created.Id, updated.Id);
        AssertInputsReflected(changedInputs, updated.Attributes!);

        var reread = await ReadAsync(created.Id!, changedInputs, updated.Attributes);
        Assert.True(reread.Exists);
        Assert.Equal(updated.Attributes, reread.Attributes);

        await DeleteAsync(created.Id!, reread.Attributes!);
        var gone = await ReadAsync(created.Id!, changedInputs, reread.Attributes);
        Assert.Null(gone.Error);
        Assert.False(gone.Exists, "the deleted resource is still found");
        AssertRealObjects(created.Id!, 0);
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyTwice_MakesOneObject()
    {
        var key = NewKey();
        var first = await CreateAsync(ValidInputs, key);
        var second = await CreateAsync(ValidInputs, key);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Attributes, second.Attributes);
        AssertRealObjects(first.Id!, 1);
    }

    [Fact]
    public async Task Read_ByIdempotencyKeyAlone_FindsTheCreatedObject()
    {
        var key = NewKey();
        var created = await CreateAsync(ValidInputs, key);
        // After a crash the engine knows the intent (its key and inputs) but not the id.
        var read = await Provider.ReadAsync(
            new ReadRequest { Type = ResourceType, Address = Address, IdempotencyKey = key, Inputs = ValidInputs, Recovering = true },
            CancellationToken.None);
        Assert.Null(read.Error);
        Assert.True(read.Exists);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(created.Attributes, read.Attributes);
    }

    [Fact]
    public async Task Read_NeverCreatedId_IsGone()
    {
        var read = await ReadAsync(MissingId);
        Assert.Null(read.Error);
        Assert.False(read.Exists);
    }

    [Fact]
    public async Task Delete_AlreadyDeleted_Succeeds()
    {
        var created = await CreateAsync(ValidInputs, NewKey());
        await DeleteAsync(created.Id!, created.Attributes!);
        await DeleteAsync(created.Id!, created.Attributes!);
        Assert.False((await ReadAsync(created.Id!)).Exists);
    }

    [Fact]
    public async Task Plan_Create_MarksComputedOutputsUnknown()
    {
        var plan = await PlanAsync(ValidInputs, null, null);
        Assert.Empty(plan.Diagnostics.Where(d => d.IsError));
        Assert.Empty(plan.RequiresReplace);
        var planned = plan.PlannedAttributes.AsMap();
        foreach (var attribute in TypeSchema.Attributes)
        {
            Assert.True(planned.ContainsKey(attribute.Name), $"the plan leaves out {attribute.Name}");
            var given = ValidInputs.AsMap().ContainsKey(attribute.Name);
            if (attribute.Computed && !given && !ComputedKnownAtPlan.Contains(attribute.Name))
            {
                Assert.False(planned[attribute.Name].IsKnown, $"the computed attribute {attribute.Name} is known before apply");
            }
        }

        // What the plan claims to know, apply must produce.
        var created = await CreateAsync(ValidInputs, NewKey());
        foreach (var (name, value) in planned)
        {
            if (value.IsWhollyKnown)
            {
                Assert.Equal(value, created.Attributes!.AsMap()[name]);
            }
        }
    }

    [Fact]
    public async Task Plan_NoChange_PlansNoReplacementAndNoDifference()
    {
        var created = await CreateAsync(ValidInputs, NewKey());
        var plan = await PlanAsync(ValidInputs, ValidInputs, created.Attributes);
        Assert.Empty(plan.Diagnostics.Where(d => d.IsError));
        Assert.Empty(plan.RequiresReplace);
        Assert.Equal(created.Attributes, plan.PlannedAttributes);
    }

    [Fact]
    public async Task Plan_ChangedInputs_UpdatesInPlace()
    {
        if (ChangedInputs is not { } changedInputs)
        {
            // Every change replaces this type: Plan_ReplacingInputs_RequiresReplace covers it.
            Assert.NotNull(ReplacingInputs);
            return;
        }

        var created = await CreateAsync(ValidInputs, NewKey());
        var plan = await PlanAsync(changedInputs, ValidInputs, created.Attributes);
        Assert.Empty(plan.Diagnostics.Where(d => d.IsError));
        Assert.Empty(plan.RequiresReplace);
        Assert.Equal(created.Attributes!.AsMap()["id"], plan.PlannedAttributes.AsMap()["id"]);
    }

    [Fact]
    public async Task Plan_ReplacingInputs_RequiresReplace()
    {
        if (ReplacingInputs is not { } replacing)
        {
            return;
        }

        var created = await CreateAsync(ValidInputs, NewKey());
        var plan = await PlanAsync(replacing, ValidInputs, created.Attributes);
        Assert.NotEmpty(plan.RequiresReplace);
        if (!ComputedKnownAtPlan.Contains("id"))
        {
            Assert.False(plan.PlannedAttributes.AsMap()["id"].IsKnown, "a replacement plans the old id");
        }
    }

    [Fact]
    public async Task Validate_ValidInputs_HasNoErrors()
    {
        var result = await Provider.ValidateAsync(new ValidateRequest(ResourceType, Address, ValidInputs), CancellationToken.None);
        Assert.Empty(result.Diagnostics.Where(d => d.IsError));
        foreach (var other in new[] { ChangedInputs, ReplacingInputs }.OfType<Value>())
        {
            var changed = await Provider.ValidateAsync(new ValidateRequest(ResourceType, Address, other), CancellationToken.None);
            Assert.Empty(changed.Diagnostics.Where(d => d.IsError));
        }
    }

    /// <summary>Checks that every given input shows in the attributes; override where a provider normalises inputs.</summary>
    protected virtual void AssertInputsReflected(Value inputs, Value attributes)
    {
        var map = attributes.AsMap();
        foreach (var (name, value) in inputs.AsMap())
        {
            Assert.True(map.ContainsKey(name), $"the attributes leave out the input {name}");
            Assert.Equal(value, map[name]);
        }
    }

    protected static string NewKey() => "op-" + Guid.NewGuid().ToString("N");

    protected async Task<ResourceResult> CreateAsync(Value inputs, string key)
    {
        var result = await Provider.CreateAsync(
            new CreateRequest { Type = ResourceType, Address = Address, Inputs = inputs, IdempotencyKey = key },
            CancellationToken.None);
        Assert.Null(result.Error);
        Assert.False(string.IsNullOrEmpty(result.Id));
        Assert.NotNull(result.Attributes);
        Assert.Equal(Value.String(result.Id!), result.Attributes!.AsMap()["id"]);
        return result;
    }

    /// <summary>Reads as the engine's refresh does: by id, with the inputs and attributes it has in state.</summary>
    protected async Task<ReadResult> ReadAsync(string id, Value? inputs = null, Value? attributes = null) =>
        await Provider.ReadAsync(new ReadRequest { Type = ResourceType, Address = Address, Id = id, Inputs = inputs, Attributes = attributes }, CancellationToken.None);

    protected async Task DeleteAsync(string id, Value attributes)
    {
        var result = await Provider.DeleteAsync(
            new DeleteRequest { Type = ResourceType, Address = Address, Id = id, Attributes = attributes, IdempotencyKey = NewKey() },
            CancellationToken.None);
        Assert.Null(result.Error);
    }

    protected async Task<PlanResult> PlanAsync(Value inputs, Value? priorInputs, Value? priorAttributes) =>
        await Provider.PlanAsync(
            new PlanRequest { Type = ResourceType, Address = Address, Inputs = inputs, PriorInputs = priorInputs, PriorAttributes = priorAttributes },
            CancellationToken.None);

    private void AssertRealObjects(string id, int expected)
    {
        if (this is IConformanceObserver observer)
        {
            Assert.Equal(expected, observer.CountRealObjects(Address, id));
        }
    }
}
