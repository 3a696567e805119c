using System.Text;
using Baton.Engine.Providers;
using Baton.Providers;

namespace Baton.Cli.Output;

/// <summary>
/// The reference of every provider — configuration, resource types, actions — written from the providers' own
/// schemas, so the documentation cannot drift from the code. <c>baton providers</c> prints all of it and
/// <c>baton providers NAME</c> one provider's page; <c>docs/providers/</c> holds those pages.
/// </summary>
internal static class ProviderDocs
{
    public static string Markdown(ProviderRegistry registry)
    {
        var builder = new StringBuilder();
        foreach (var factory in registry.Factories.Values.OrderBy(f => f.Schema.Family, StringComparer.Ordinal))
        {
            Reference(builder, factory.Schema, "### `" + factory.Schema.Family + "`", "####");
        }

        return builder.ToString();
    }

    /// <summary>
    /// The reference of one provider as a page of its own: titled <c># Provider `family`</c>, its resource types and
    /// actions one level below; null when <paramref name="family"/> is not a provider.
    /// </summary>
    public static string? Page(ProviderRegistry registry, string family)
    {
        if (!registry.Factories.TryGetValue(family, out var factory))
        {
            return null;
        }

        var builder = new StringBuilder();
        Reference(builder, factory.Schema, "# Provider `" + family + "`", "##");
        return builder.ToString().TrimEnd('\n') + "\n";
    }

    private static void Reference(StringBuilder builder, ProviderSchema schema, string title, string heading)
    {
        builder.Append(title).Append("\n\n");
        if (schema.Description is { } description)
        {
            builder.Append(description).Append("\n\n");
        }

        if (!schema.Configuration.IsEmpty)
        {
            builder.Append("Provider settings (under `providers: { ").Append(schema.Family).Append(": { … } }`):\n\n");
            Table(builder, schema.Configuration);
        }

        foreach (var type in schema.ResourceTypes)
        {
            builder.Append(heading).Append(" resource `").Append(type.Type).Append("`\n\n");
            if (type.Description is { } typeDescription)
            {
                builder.Append(typeDescription).Append("\n\n");
            }

            Table(builder, type.Attributes);
        }

        foreach (var action in schema.Actions)
        {
            builder.Append(heading).Append(" action `").Append(action.Name).Append("`\n\n");
            if (action.Description is { } actionDescription)
            {
                builder.Append(actionDescription).Append("\n\n");
            }

            builder.Append("Inputs:\n\n");
            Table(builder, action.Inputs);
            if (!action.Outputs.IsEmpty)
            {
                builder.Append("Outputs:\n\n");
                Table(builder, action.Outputs);
            }
        }
    }

    private static void Table(StringBuilder builder, IEnumerable<AttributeSchema> attributes)
    {
        builder.Append("| name | type | | default | description |\n|---|---|---|---|---|\n");
        foreach (var attribute in attributes)
        {
            var marks = new List<string>();
            if (attribute.Required)
            {
                marks.Add("required");
            }
            else if (!attribute.IsInput)
            {
                marks.Add("output");
            }
            else if (attribute.Computed)
            {
                marks.Add("optional, computed");
            }

            if (attribute.ForceNew)
            {
                marks.Add("forces replacement");
            }

            if (attribute.Sensitive)
            {
                marks.Add("sensitive");
            }

            builder.Append("| `").Append(attribute.Name).Append("` | ").Append(attribute.Type).Append(" | ").Append(string.Join(", ", marks))
                .Append(" | ").Append(attribute.Default is { } value ? "`" + value + "`" : string.Empty)
                .Append(" | ").Append((attribute.Description ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal))
                .Append(" |\n");
        }

        builder.Append('\n');
    }
}
