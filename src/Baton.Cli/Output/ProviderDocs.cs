using System.Text;
using Baton.Engine.Providers;
using Baton.Providers;

namespace Baton.Cli.Output;

/// <summary>
/// The reference of every provider — configuration, resource types, actions — written from the providers' own
/// schemas, so the documentation cannot drift from the code. <c>baton providers</c> prints it; the README holds it.
/// </summary>
internal static class ProviderDocs
{
    public static string Markdown(ProviderRegistry registry)
    {
        var builder = new StringBuilder();
        foreach (var factory in registry.Factories.Values.OrderBy(f => f.Schema.Family, StringComparer.Ordinal))
        {
            var schema = factory.Schema;
            builder.Append("### `").Append(schema.Family).Append("`\n\n");
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
                builder.Append("#### resource `").Append(type.Type).Append("`\n\n");
                if (type.Description is { } typeDescription)
                {
                    builder.Append(typeDescription).Append("\n\n");
                }

                Table(builder, type.Attributes);
            }

            foreach (var action in schema.Actions)
            {
                builder.Append("#### action `").Append(action.Name).Append("`\n\n");
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

        return builder.ToString();
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
