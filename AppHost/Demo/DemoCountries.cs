using System.Globalization;

namespace MenSI.AppHost.Demo;

/// <summary>A school of the demo network: always the same name and national identifier for the same country and index.</summary>
public sealed record DemoSchool(string Country, int Index, string Name, string City, string NationalId, string Language)
{
    public bool IsMentor => Index < DemoCountry.Clusters;
    /// <summary>The cluster it belongs to: mentor k leads cluster k; mentees 4k+4 .. 4k+7 join it.</summary>
    public int Cluster => IsMentor ? Index : (Index - DemoCountry.Clusters) / DemoCountry.MenteesPerCluster;
}

/// <summary>
/// A country of MenSI's network as the demo seeds it: 4 clusters (one per approach), each a mentor school with 4 mentees,
/// with local school names and identifiers in the country's own scheme (those the Registry checks).
/// </summary>
public sealed record DemoCountry(string Code, string Name, string Language, string? Region, string ClusterWord, string[] SchoolPatterns, string[] Cities,
    Func<int, string> NationalId)
{
    public const int Clusters = 4;
    public const int MenteesPerCluster = 4;
    public const int SchoolsPerCountry = Clusters * (1 + MenteesPerCluster);
    public static readonly string[] Approaches = ["top-down", "bottom-up", "virtual", "hybrid"];

    public string Lower => Code.ToLowerInvariant();

    public IReadOnlyList<DemoSchool> Schools => [.. Enumerable.Range(0, SchoolsPerCountry).Select(i =>
        new DemoSchool(Code, i, string.Format(CultureInfo.InvariantCulture, SchoolPatterns[i % SchoolPatterns.Length], Cities[i]), Cities[i], NationalId(i), Language))];

    public string ClusterName(int cluster) => string.Format(CultureInfo.InvariantCulture, ClusterWord, Cities[cluster]);

    private static string Digits(int value, int width) => value.ToString("D" + width, CultureInfo.InvariantCulture);

    private static readonly string[] Provinces =
        ["RM", "MI", "TO", "NA", "FI", "BO", "GE", "PA", "BA", "VE", "VR", "PD", "TS", "PG", "CA", "AN", "PR", "LE", "TN", "PI"];

    public static readonly IReadOnlyList<DemoCountry> All =
    [
        new("BE", "Belgium (Flanders)", "nl", "Vlaanderen", "Leernetwerk {0}",
            ["Sint-Jozefscollege {0}", "GO! Atheneum {0}", "Vrije Basisschool De Regenboog {0}", "Sint-Maria-Instituut {0}", "Stedelijke Basisschool {0}"],
            ["Gent", "Antwerpen", "Brugge", "Leuven", "Hasselt", "Mechelen", "Kortrijk", "Aalst", "Sint-Niklaas", "Genk", "Roeselare", "Turnhout", "Oostende", "Lier",
             "Geel", "Ieper", "Tienen", "Dendermonde", "Lokeren", "Herentals"],
            i => Digits(31_200 + i * 17, 6)),
        new("HR", "Croatia", "hr", null, "Klaster {0}",
            ["Osnovna škola {0}", "Gimnazija {0}", "Srednja škola {0}", "Tehnička škola {0}", "Osnovna škola Centar, {0}"],
            ["Zagreb", "Split", "Rijeka", "Osijek", "Zadar", "Pula", "Slavonski Brod", "Karlovac", "Varaždin", "Šibenik", "Sisak", "Dubrovnik", "Bjelovar",
             "Koprivnica", "Čakovec", "Vukovar", "Požega", "Gospić", "Virovitica", "Križevci"],
            i => $"{Digits(i % 20 + 1, 2)}-{Digits(i * 7 + 1, 3)}-{Digits(500 + i, 3)}"),
        new("CZ", "Czechia", "cs", null, "Klastr {0}",
            ["Základní škola {0}", "Gymnázium {0}", "Střední průmyslová škola {0}", "Základní škola a mateřská škola {0}", "Obchodní akademie {0}"],
            ["Praha", "Brno", "Ostrava", "Plzeň", "Liberec", "Olomouc", "České Budějovice", "Hradec Králové", "Pardubice", "Zlín", "Jihlava", "Karlovy Vary",
             "Ústí nad Labem", "Kladno", "Most", "Opava", "Tábor", "Třebíč", "Kolín", "Písek"],
            i => Digits(600_100_000 + i * 1_013, 9)),
        new("HU", "Hungary", "hu", null, "{0} klaszter",
            ["Petőfi Sándor Általános Iskola, {0}", "Kossuth Lajos Gimnázium, {0}", "Arany János Általános Iskola, {0}", "Bolyai János Gimnázium, {0}",
             "Széchenyi István Technikum, {0}"],
            ["Budapest", "Debrecen", "Szeged", "Miskolc", "Pécs", "Győr", "Nyíregyháza", "Kecskemét", "Székesfehérvár", "Szombathely", "Szolnok", "Eger",
             "Veszprém", "Sopron", "Kaposvár", "Zalaegerszeg", "Békéscsaba", "Tatabánya", "Esztergom", "Gödöllő"],
            i => Digits(31_000 + i * 37, 6)),
        new("IT", "Italy", "it", null, "Rete di scuole di {0}",
            ["Istituto Comprensivo {0}", "Liceo Scientifico Galileo Galilei, {0}", "Istituto Tecnico Leonardo da Vinci, {0}", "Scuola Primaria Giovanni Pascoli, {0}",
             "Liceo Classico Dante Alighieri, {0}"],
            ["Roma", "Milano", "Torino", "Napoli", "Firenze", "Bologna", "Genova", "Palermo", "Bari", "Venezia", "Verona", "Padova", "Trieste", "Perugia",
             "Cagliari", "Ancona", "Parma", "Lecce", "Trento", "Pisa"],
            // codice meccanografico: the province, the kind of school (IC: istituto comprensivo), a check letter and digits.
            i => Provinces[i] + "IC8" + (char)('A' + i) + Digits(5_000 + i * 3, 4)),
        new("PT", "Portugal", "pt", null, "Rede de escolas de {0}",
            ["Escola Básica de {0}", "Agrupamento de Escolas de {0}", "Escola Secundária de {0}", "Escola Básica e Secundária de {0}", "Escola Profissional de {0}"],
            ["Lisboa", "Porto", "Braga", "Coimbra", "Aveiro", "Faro", "Évora", "Viseu", "Leiria", "Setúbal", "Guimarães", "Funchal", "Viana do Castelo",
             "Bragança", "Beja", "Santarém", "Castelo Branco", "Guarda", "Portalegre", "Vila Real"],
            i => Digits(170_000 + i * 11, 6)),
    ];
}
