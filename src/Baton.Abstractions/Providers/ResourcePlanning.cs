using System.Collections.Immutable;
using Baton.Values;

namespace Baton.Providers;

/// <summary>
/// The plan most resource types want, from their schema alone: inputs with defaults filled in; computed attributes
/// unknown on create and kept on update; a change of a <c>force_new</c> attribute (or its becoming unknown) replaces.
/// Providers call it from <see cref="IProvider.PlanAsync"/> and adjust what they know better.
/// </summary>
public static class ResourcePlanning
{
    /// <summary>Plans <paramref name="request"/> against <paramref name="schema"/>.</summary>
    public static PlanResult Plan(ResourceTypeSchema schema, PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(request);
        var inputs = request.Inputs.Kind == ValueKind.Map ? request.Inputs.AsMap() : Value.EmptyMap.AsMap();
        var priorInputs = request.PriorInputs is { Kind: ValueKind.Map } pi ? pi.AsMap() : null;
        var priorAttributes = request.PriorAttributes is { Kind: ValueKind.Map } pa ? pa.AsMap() : null;
        var planned = new List<KeyValuePair<string, Value>>(schema.Attributes.Length);
        var replace = ImmutableArray.CreateBuilder<string>();
        foreach (var attribute in schema.Attributes)
        {
            var given = inputs.TryGetValue(attribute.Name, out var input) && input.Kind != ValueKind.Null;
            Value value;
            if (given)
            {
                value = input!;
            }
            else if (attribute.Computed)
            {
                value = priorAttributes is not null && priorAttributes.TryGetValue(attribute.Name, out var prior) && !ForcesReplacement(schema, inputs, priorInputs)
                    ? prior
                    : Value.Unknown(attribute.Type);
            }
            else
            {
                value = attribute.Default ?? Value.Null;
            }

            if (attribute.Sensitive)
            {
                value = value.AsSensitive();
            }

            planned.Add(new(attribute.Name, value));
            if (attribute.ForceNew && priorInputs is not null)
            {
                var before = priorInputs.TryGetValue(attribute.Name, out var old) ? old : attribute.Default ?? Value.Null;
                var after = given ? input! : attribute.Default ?? Value.Null;
                if (!after.IsWhollyKnown || before != after)
                {
                    replace.Add(attribute.Name);
                }
            }
        }

        return new PlanResult { PlannedAttributes = Value.Map(planned), RequiresReplace = replace.ToImmutable() };
    }

    private static bool ForcesReplacement(ResourceTypeSchema schema, ImmutableSortedDictionary<string, Value> inputs, ImmutableSortedDictionary<string, Value>? priorInputs)
    {
        if (priorInputs is null)
        {
            return true;
        }

        foreach (var attribute in schema.Attributes)
        {
            if (!attribute.ForceNew)
            {
                continue;
            }

            var before = priorInputs.TryGetValue(attribute.Name, out var old) ? old : attribute.Default ?? Value.Null;
            var after = inputs.TryGetValue(attribute.Name, out var now) ? now : attribute.Default ?? Value.Null;
            if (!after.IsWhollyKnown || before != after)
            {
                return true;
            }
        }

        return false;
    }
}
