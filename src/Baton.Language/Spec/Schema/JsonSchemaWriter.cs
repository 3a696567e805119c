using System.Text;
using System.Text.Json;

namespace Baton.Spec.Schema;

/// <summary>Writes a <see cref="Shape"/> tree as a JSON Schema (draft 2020-12) for editors to check and complete stack files.</summary>
public static class JsonSchemaWriter
{
    private const string NamePattern = "^[A-Za-z][A-Za-z0-9_-]*$";
    private const string InstancePattern = "^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*)?$";
    private const string ExpressionPattern = "\\$\\{";
    private const string DurationPattern = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$|^[0-9]+(\\.[0-9]+)?$";

    /// <summary>The JSON Schema of the stack file, indented.</summary>
    public static string Write(Shape root, string id)
    {
        ArgumentNullException.ThrowIfNull(root);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", "https://json-schema.org/draft/2020-12/schema");
            writer.WriteString("$id", id);
            writer.WriteString("title", "Baton stack file");
            WriteBody(writer, root);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteShape(Utf8JsonWriter writer, Shape shape)
    {
        writer.WriteStartObject();
        WriteBody(writer, shape);
        writer.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter writer, Shape shape)
    {
        if (shape.Description is not null)
        {
            writer.WriteString("description", shape.Description);
        }

        switch (shape)
        {
            case AnyShape:
                break;
            case ScalarShape scalar:
                WriteScalar(writer, scalar);
                break;
            case ListShape list:
                if (list.AllowsExpression)
                {
                    writer.WriteStartArray("anyOf");
                    writer.WriteStartObject();
                    writer.WriteString("type", "array");
                    writer.WritePropertyName("items");
                    WriteShape(writer, list.Items);
                    writer.WriteEndObject();
                    WriteExpression(writer);
                    writer.WriteEndArray();
                }
                else
                {
                    writer.WriteString("type", "array");
                    writer.WritePropertyName("items");
                    WriteShape(writer, list.Items);
                }

                break;
            case ObjectShape obj:
                writer.WriteString("type", "object");
                writer.WriteStartObject("properties");
                foreach (var field in obj.Fields)
                {
                    writer.WritePropertyName(field.Name);
                    WriteShape(writer, field.Shape);
                }

                writer.WriteEndObject();
                var required = obj.Fields.Where(f => f.Required).ToList();
                if (required.Count > 0)
                {
                    writer.WriteStartArray("required");
                    foreach (var field in required)
                    {
                        writer.WriteStringValue(field.Name);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteBoolean("additionalProperties", false);
                break;
            case MapShape map:
                writer.WriteStartArray("type");
                writer.WriteStringValue("object");
                writer.WriteStringValue("null");
                writer.WriteEndArray();
                if (map.KeysAreNames)
                {
                    writer.WriteStartObject("propertyNames");
                    writer.WriteString("pattern", map.KeysMayHaveAlias ? InstancePattern : NamePattern);
                    writer.WriteEndObject();
                }

                writer.WritePropertyName("additionalProperties");
                WriteShape(writer, map.Values);
                break;
            case OneOfShape oneOf:
                writer.WriteStartArray("anyOf");
                foreach (var alternative in oneOf.Alternatives)
                {
                    WriteShape(writer, alternative);
                }

                writer.WriteEndArray();
                break;
            default:
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, ScalarShape scalar)
    {
        if (scalar.AllowsExpression)
        {
            writer.WriteStartArray("anyOf");
            writer.WriteStartObject();
            WriteLiteral(writer, scalar);
            writer.WriteEndObject();
            WriteExpression(writer);
            writer.WriteEndArray();
        }
        else
        {
            WriteLiteral(writer, scalar);
        }
    }

    private static void WriteLiteral(Utf8JsonWriter writer, ScalarShape scalar)
    {
        switch (scalar.Kind)
        {
            case ScalarKind.Integer:
                writer.WriteString("type", "integer");
                break;
            case ScalarKind.Number:
                writer.WriteString("type", "number");
                break;
            case ScalarKind.Boolean:
                writer.WriteString("type", "boolean");
                break;
            case ScalarKind.Duration:
                writer.WriteStartArray("type");
                writer.WriteStringValue("string");
                writer.WriteStringValue("number");
                writer.WriteEndArray();
                writer.WriteString("pattern", DurationPattern);
                break;
            case ScalarKind.Name:
                writer.WriteString("type", "string");
                writer.WriteString("pattern", NamePattern);
                break;
            case ScalarKind.TypeName:
                writer.WriteString("type", "string");
                writer.WriteString("pattern", "^(string|number|int|bool|any|list|map)(\\(.*\\))?$");
                break;
            case ScalarKind.Expression:
                writer.WriteStartArray("type");
                writer.WriteStringValue("string");
                writer.WriteStringValue("boolean");
                writer.WriteEndArray();
                break;
            default:
                writer.WriteString("type", "string");
                break;
        }

        if (scalar.Enum.Length > 0)
        {
            writer.WriteStartArray("enum");
            foreach (var value in scalar.Enum)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }
    }

    private static void WriteExpression(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "string");
        writer.WriteString("pattern", ExpressionPattern);
        writer.WriteString("description", "a ${…} expression");
        writer.WriteEndObject();
    }
}
