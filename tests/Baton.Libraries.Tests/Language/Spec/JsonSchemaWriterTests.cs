using System.Text.Json;
using Baton.Diagnostics;
using Baton.Spec;
using Baton.Spec.Schema;
using Baton.Spec.Yaml;
using Baton.Text;
using Baton.Values;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Baton.Libraries.Tests.Language.Spec;

public sealed class JsonSchemaWriterTests
{
    private const string Id = "https://baton.example/schema/stack.json";

    private static readonly string SchemaText = JsonSchemaWriter.Write(StackFileShape.Root, Id);

    private static JsonElement Root(JsonDocument document) => document.RootElement;

    private static JsonElement Resource(JsonDocument document) =>
        Root(document).GetProperty("properties").GetProperty("resources").GetProperty("additionalProperties");

    [Fact]
    public void Write_Root_IsJsonWithHeaderFields()
    {
        using var document = JsonDocument.Parse(SchemaText);

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Root(document).GetProperty("$schema").GetString());
        Assert.Equal(Id, Root(document).GetProperty("$id").GetString());
        Assert.Equal("object", Root(document).GetProperty("type").GetString());
        Assert.False(Root(document).GetProperty("additionalProperties").GetBoolean());
        Assert.EndsWith("}\n", SchemaText, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Root_ListsEveryTopLevelFieldInOrder()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var names = Root(document).GetProperty("properties").EnumerateObject().Select(p => p.Name);

        Assert.Equal(StackFileShape.Root.Fields.Select(f => f.Name), names);
    }

    [Fact]
    public void Write_EveryObjectWithProperties_ForbidsAdditionalProperties()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var objects = Descendants(Root(document))
            .Where(e => e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "object"
                && e.TryGetProperty("properties", out _))
            .ToList();

        Assert.True(objects.Count >= 12, $"expected the schema to hold many object shapes, found {objects.Count}");
        Assert.All(objects, o => Assert.False(o.GetProperty("additionalProperties").GetBoolean()));
    }

    [Fact]
    public void Write_Resource_RequiresTypeAndHasEveryField()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var resource = Resource(document);

        Assert.Equal(["type"], resource.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["type", "description", "properties", "depends_on", "count", "for_each", "provider", "hosts", "notifies", "subscribes", "lifecycle", "timeouts", "autoscale"],
            resource.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["min", "max", "metric", "target"],
            resource.GetProperty("properties").GetProperty("autoscale").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Write_ObjectWithoutRequiredFields_HasNoRequiredList()
    {
        using var document = JsonDocument.Parse(SchemaText);

        Assert.False(Resource(document).GetProperty("properties").GetProperty("lifecycle").TryGetProperty("required", out _));
    }

    [Fact]
    public void Write_Count_AcceptsIntegerOrExpression()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var anyOf = Resource(document).GetProperty("properties").GetProperty("count").GetProperty("anyOf");

        Assert.Equal("integer", anyOf[0].GetProperty("type").GetString());
        Assert.Equal("\\$\\{", anyOf[1].GetProperty("pattern").GetString());
    }

    [Fact]
    public void Write_ProviderKeys_AllowAnAlias()
    {
        using var document = JsonDocument.Parse(SchemaText);
        var providers = Root(document).GetProperty("properties").GetProperty("providers");

        Assert.Equal(
            "^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z][A-Za-z0-9_-]*)?$",
            providers.GetProperty("propertyNames").GetProperty("pattern").GetString());
    }

    [Fact]
    public void Write_Twice_IsIdentical() =>
        Assert.Equal(SchemaText, JsonSchemaWriter.Write(StackFileShape.Root, Id));

    [Fact]
    public async Task Validate_Quickstart_HasNoErrors()
    {
        var schema = await JsonSchema.FromJsonAsync(SchemaText);

        var errors = schema.Validate(QuickstartJson());

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Kind} {e.Path}")));
    }

    [Fact]
    public async Task Validate_UnknownTopLevelKey_IsRefused()
    {
        var schema = await JsonSchema.FromJsonAsync(SchemaText);
        var json = QuickstartJson().TrimEnd()[..^1] + ", \"resorces\": {}}";

        var error = Assert.Single(schema.Validate(json));

        Assert.Equal(ValidationErrorKind.NoAdditionalPropertiesAllowed, error.Kind);
        Assert.Equal("resorces", error.Property);
    }

    [Fact]
    public async Task Validate_UnknownResourceKeyAndMissingType_AreRefused()
    {
        var schema = await JsonSchema.FromJsonAsync(SchemaText);

        var errors = Flatten(schema.Validate("{\"resources\": {\"db\": {\"propertes\": {}}}}"));

        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed && e.Property == "propertes");
        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.PropertyRequired && e.Property == "type");
    }

    [Fact]
    public async Task Validate_EnumValueOutsideTheSet_IsRefused()
    {
        var schema = await JsonSchema.FromJsonAsync(SchemaText);

        var errors = Flatten(schema.Validate("{\"policies\": [{\"name\": \"p\", \"require\": \"true\", \"enforcement\": \"dney\"}]}"));

        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.NotInEnumeration);
    }

    /// <summary>NJsonSchema nests the errors of sub-schemas under the error of their parent.</summary>
    private static List<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        [.. errors.SelectMany(e => e is ChildSchemaValidationError child
            ? Flatten(child.Errors.Values.SelectMany(v => v)).Prepend(e)
            : [e])];

    private static IEnumerable<JsonElement> Descendants(JsonElement element)
    {
        yield return element;
        IEnumerable<JsonElement> children = element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => element.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>The repository's quickstart stack file as JSON, through the same YAML reader the loader uses.</summary>
    private static string QuickstartJson()
    {
        var path = Path.Combine(RepositoryRoot(), "examples", "quickstart", "baton.yaml");
        var diagnostics = new DiagnosticBag();
        var root = YamlReader.Read(new SourceFile(path, File.ReadAllText(path)), diagnostics);
        Assert.False(diagnostics.HasErrors);
        var value = YamlExpressions.Literal(root!);
        Assert.NotNull(value);
        return ValueJson.ToJson(value, ValueJsonOptions.Plain);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Baton.slnx not found above the test binaries");
    }
}
