using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Values;

namespace Baton.Expressions;

internal static class EncodingFunctions
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<IFunction> All()
    {
        var text = new FunctionParameter("text", BatonType.String);
        yield return new BuiltinFunction("base64encode", BatonType.String, [text], c =>
            Value.String(Convert.ToBase64String(Encoding.UTF8.GetBytes(c.Arguments[0].AsString()))));
        yield return new BuiltinFunction("base64decode", BatonType.String, [text], Base64Decode);
        yield return new BuiltinFunction("sha256", BatonType.String, [text], c =>
            Value.String(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(c.Arguments[0].AsString())))));
        yield return new BuiltinFunction("jsonencode", BatonType.String, [new("value", BatonType.Any) { AllowsNull = true }], JsonEncode);
        yield return new BuiltinFunction("jsondecode", BatonType.Any, [text], JsonDecode);
    }

    private static Value Base64Decode(FunctionCall call)
    {
        var text = call.Arguments[0].AsString();
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            return call.Fail("the argument is not valid base64", 0);
        }

        try
        {
            return Value.String(StrictUtf8.GetString(buffer, 0, written));
        }
        catch (DecoderFallbackException)
        {
            return call.Fail("the decoded bytes are not UTF-8 text", 0);
        }
    }

    private static Value JsonEncode(FunctionCall call) => Value.String(ValueJson.ToJson(call.Arguments[0], ValueJsonOptions.Plain));

    private static Value JsonDecode(FunctionCall call)
    {
        try
        {
            return ValueJson.Parse(call.Arguments[0].AsString(), ValueJsonOptions.Plain);
        }
        catch (JsonException exception)
        {
            return call.Fail($"the argument is not valid JSON: {FirstSentence(exception.Message)}", 0);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var sentence = end < 0 ? message : message[..end];
        return sentence.Length > 0 ? char.ToLowerInvariant(sentence[0]) + sentence[1..].TrimEnd('.') : sentence;
    }
}
