"""The benchmark's vocabulary: everyday words in the five languages the seeded learners study,
with Russian and English translations. Prints one tab-separated row per (language, word) for
`COPY bench_words FROM STDIN`, with the keys the application would compute
(`domain::text::normalized_key`: whitespace collapsed, NFC, lower case).

Columns: lang, idx, front, lemma, back_ru, back_en, part_of_speech, gender, lemma_key,
search_key_ru, search_key_en (\\N for NULL).
"""

import sys
import unicodedata

# (ru, en, de, es, fr, it, part of speech). Nouns carry their article in de/es/fr/it; the
# lemma is the bare word and the article gives the gender.
CONCEPTS = [
    ("дом", "house", "das Haus", "la casa", "la maison", "la casa", "noun"),
    ("собака", "dog", "der Hund", "el perro", "le chien", "il cane", "noun"),
    ("кошка", "cat", "die Katze", "el gato", "le chat", "il gatto", "noun"),
    ("рука", "hand", "die Hand", "la mano", "la main", "la mano", "noun"),
    ("голова", "head", "der Kopf", "la cabeza", "la tête", "la testa", "noun"),
    ("вода", "water", "das Wasser", "el agua", "l'eau", "l'acqua", "noun"),
    ("хлеб", "bread", "das Brot", "el pan", "le pain", "il pane", "noun"),
    ("молоко", "milk", "die Milch", "la leche", "le lait", "il latte", "noun"),
    ("яблоко", "apple", "der Apfel", "la manzana", "la pomme", "la mela", "noun"),
    ("книга", "book", "das Buch", "el libro", "le livre", "il libro", "noun"),
    ("стол", "table", "der Tisch", "la mesa", "la table", "il tavolo", "noun"),
    ("стул", "chair", "der Stuhl", "la silla", "la chaise", "la sedia", "noun"),
    ("окно", "window", "das Fenster", "la ventana", "la fenêtre", "la finestra", "noun"),
    ("дверь", "door", "die Tür", "la puerta", "la porte", "la porta", "noun"),
    ("улица", "street", "die Straße", "la calle", "la rue", "la strada", "noun"),
    ("город", "city", "die Stadt", "la ciudad", "la ville", "la città", "noun"),
    ("деревня", "village", "das Dorf", "el pueblo", "le village", "il villaggio", "noun"),
    ("машина", "car", "das Auto", "el coche", "la voiture", "la macchina", "noun"),
    ("поезд", "train", "der Zug", "el tren", "le train", "il treno", "noun"),
    ("самолёт", "plane", "das Flugzeug", "el avión", "l'avion", "l'aereo", "noun"),
    ("вокзал", "station", "der Bahnhof", "la estación", "la gare", "la stazione", "noun"),
    ("билет", "ticket", "die Fahrkarte", "el billete", "le billet", "il biglietto", "noun"),
    ("работа", "work", "die Arbeit", "el trabajo", "le travail", "il lavoro", "noun"),
    ("школа", "school", "die Schule", "la escuela", "l'école", "la scuola", "noun"),
    ("учитель", "teacher", "der Lehrer", "el profesor", "le professeur", "l'insegnante", "noun"),
    ("друг", "friend", "der Freund", "el amigo", "l'ami", "l'amico", "noun"),
    ("семья", "family", "die Familie", "la familia", "la famille", "la famiglia", "noun"),
    ("мать", "mother", "die Mutter", "la madre", "la mère", "la madre", "noun"),
    ("отец", "father", "der Vater", "el padre", "le père", "il padre", "noun"),
    ("брат", "brother", "der Bruder", "el hermano", "le frère", "il fratello", "noun"),
    ("сестра", "sister", "die Schwester", "la hermana", "la sœur", "la sorella", "noun"),
    ("ребёнок", "child", "das Kind", "el niño", "l'enfant", "il bambino", "noun"),
    ("мужчина", "man", "der Mann", "el hombre", "l'homme", "l'uomo", "noun"),
    ("женщина", "woman", "die Frau", "la mujer", "la femme", "la donna", "noun"),
    ("день", "day", "der Tag", "el día", "le jour", "il giorno", "noun"),
    ("ночь", "night", "die Nacht", "la noche", "la nuit", "la notte", "noun"),
    ("утро", "morning", "der Vormittag", "la madrugada", "le matin", "la mattina", "noun"),
    ("вечер", "evening", "der Abend", "la tarde", "le soir", "la sera", "noun"),
    ("неделя", "week", "die Woche", "la semana", "la semaine", "la settimana", "noun"),
    ("месяц", "month", "der Monat", "el mes", "le mois", "il mese", "noun"),
    ("год", "year", "das Jahr", "el año", "l'année", "l'anno", "noun"),
    ("время", "time", "die Zeit", "el tiempo", "le temps", "il tempo", "noun"),
    ("погода", "weather", "das Wetter", "el clima", "la météo", "il meteo", "noun"),
    ("солнце", "sun", "die Sonne", "el sol", "le soleil", "il sole", "noun"),
    ("дождь", "rain", "der Regen", "la lluvia", "la pluie", "la pioggia", "noun"),
    ("снег", "snow", "der Schnee", "la nieve", "la neige", "la neve", "noun"),
    ("море", "sea", "das Meer", "el mar", "la mer", "il mare", "noun"),
    ("гора", "mountain", "der Berg", "la montaña", "la montagne", "la montagna", "noun"),
    ("река", "river", "der Fluss", "el río", "la rivière", "il fiume", "noun"),
    ("лес", "forest", "der Wald", "el bosque", "la forêt", "il bosco", "noun"),
    ("дерево", "tree", "der Baum", "el árbol", "l'arbre", "l'albero", "noun"),
    ("цветок", "flower", "die Blume", "la flor", "la fleur", "il fiore", "noun"),
    ("птица", "bird", "der Vogel", "el pájaro", "l'oiseau", "l'uccello", "noun"),
    ("рыба", "fish", "der Fisch", "el pescado", "le poisson", "il pesce", "noun"),
    ("мясо", "meat", "das Fleisch", "la carne", "la viande", "la carne", "noun"),
    ("сыр", "cheese", "der Käse", "el queso", "le fromage", "il formaggio", "noun"),
    ("яйцо", "egg", "das Ei", "el huevo", "l'œuf", "l'uovo", "noun"),
    ("сахар", "sugar", "der Zucker", "el azúcar", "le sucre", "lo zucchero", "noun"),
    ("соль", "salt", "das Salz", "la sal", "le sel", "il sale", "noun"),
    ("кофе", "coffee", "der Kaffee", "el café", "le café", "il caffè", "noun"),
    ("чай", "tea", "der Tee", "el té", "le thé", "il tè", "noun"),
    ("вино", "wine", "der Wein", "el vino", "le vin", "il vino", "noun"),
    ("пиво", "beer", "das Bier", "la cerveza", "la bière", "la birra", "noun"),
    ("ресторан", "restaurant", "das Restaurant", "el restaurante", "le restaurant", "il ristorante", "noun"),
    ("меню", "menu", "die Speisekarte", "el menú", "la carte", "il menù", "noun"),
    ("счёт", "bill", "die Rechnung", "la cuenta", "l'addition", "il conto", "noun"),
    ("деньги", "money", "das Geld", "el dinero", "l'argent", "i soldi", "noun"),
    ("магазин", "shop", "der Laden", "la tienda", "le magasin", "il negozio", "noun"),
    ("рынок", "market", "der Markt", "el mercado", "le marché", "il mercato", "noun"),
    ("цена", "price", "der Preis", "el precio", "le prix", "il prezzo", "noun"),
    ("одежда", "clothes", "die Kleidung", "la ropa", "les vêtements", "i vestiti", "noun"),
    ("рубашка", "shirt", "das Hemd", "la camisa", "la chemise", "la camicia", "noun"),
    ("обувь", "shoes", "die Schuhe", "los zapatos", "les chaussures", "le scarpe", "noun"),
    ("шапка", "hat", "der Hut", "el sombrero", "le chapeau", "il cappello", "noun"),
    ("сумка", "bag", "die Tasche", "el bolso", "le sac", "la borsa", "noun"),
    ("ключ", "key", "der Schlüssel", "la llave", "la clé", "la chiave", "noun"),
    ("телефон", "phone", "das Telefon", "el teléfono", "le téléphone", "il telefono", "noun"),
    ("компьютер", "computer", "der Computer", "el ordenador", "l'ordinateur", "il computer", "noun"),
    ("письмо", "letter", "der Brief", "la carta", "la lettre", "la lettera", "noun"),
    ("газета", "newspaper", "die Zeitung", "el periódico", "le journal", "il giornale", "noun"),
    ("слово", "word", "das Wort", "la palabra", "le mot", "la parola", "noun"),
    ("язык", "language", "die Sprache", "el idioma", "la langue", "la lingua", "noun"),
    ("вопрос", "question", "die Frage", "la pregunta", "la question", "la domanda", "noun"),
    ("ответ", "answer", "die Antwort", "la respuesta", "la réponse", "la risposta", "noun"),
    ("комната", "room", "das Zimmer", "la habitación", "la chambre", "la camera", "noun"),
    ("кухня", "kitchen", "die Küche", "la cocina", "la cuisine", "la cucina", "noun"),
    ("кровать", "bed", "das Bett", "la cama", "le lit", "il letto", "noun"),
    ("сад", "garden", "der Garten", "el jardín", "le jardin", "il giardino", "noun"),
    ("больница", "hospital", "das Krankenhaus", "el hospital", "l'hôpital", "l'ospedale", "noun"),
    ("врач", "doctor", "der Arzt", "el médico", "le médecin", "il medico", "noun"),
    ("аптека", "pharmacy", "die Apotheke", "la farmacia", "la pharmacie", "la farmacia", "noun"),
    ("здоровье", "health", "die Gesundheit", "la salud", "la santé", "la salute", "noun"),
    ("праздник", "holiday", "der Feiertag", "la fiesta", "la fête", "la festa", "noun"),
    ("отпуск", "vacation", "der Urlaub", "las vacaciones", "les vacances", "le vacanze", "noun"),
    ("гостиница", "hotel", "das Hotel", "el hotel", "l'hôtel", "l'albergo", "noun"),
    ("карта", "map", "die Landkarte", "el mapa", "le plan", "la mappa", "noun"),
    ("дорога", "road", "der Weg", "el camino", "la route", "la via", "noun"),
    ("мост", "bridge", "die Brücke", "el puente", "le pont", "il ponte", "noun"),
    ("церковь", "church", "die Kirche", "la iglesia", "l'église", "la chiesa", "noun"),
    ("музей", "museum", "das Museum", "el museo", "le musée", "il museo", "noun"),
    ("музыка", "music", "die Musik", "la música", "la musique", "la musica", "noun"),
    ("песня", "song", "das Lied", "la canción", "la chanson", "la canzone", "noun"),
    ("фильм", "film", "der Film", "la película", "le film", "il film", "noun"),
    ("игра", "game", "das Spiel", "el juego", "le jeu", "il gioco", "noun"),
    ("мяч", "ball", "der Ball", "la pelota", "le ballon", "la palla", "noun"),
    ("идти", "to go", "gehen", "ir", "aller", "andare", "verb"),
    ("приходить", "to come", "kommen", "venir", "venir", "venire", "verb"),
    ("делать", "to do", "machen", "hacer", "faire", "fare", "verb"),
    ("говорить", "to speak", "sprechen", "hablar", "parler", "parlare", "verb"),
    ("видеть", "to see", "sehen", "ver", "voir", "vedere", "verb"),
    ("слышать", "to hear", "hören", "oír", "entendre", "sentire", "verb"),
    ("есть", "to eat", "essen", "comer", "manger", "mangiare", "verb"),
    ("пить", "to drink", "trinken", "beber", "boire", "bere", "verb"),
    ("спать", "to sleep", "schlafen", "dormir", "dormir", "dormire", "verb"),
    ("работать", "to work", "arbeiten", "trabajar", "travailler", "lavorare", "verb"),
    ("читать", "to read", "lesen", "leer", "lire", "leggere", "verb"),
    ("писать", "to write", "schreiben", "escribir", "écrire", "scrivere", "verb"),
    ("знать", "to know", "wissen", "saber", "savoir", "sapere", "verb"),
    ("думать", "to think", "denken", "pensar", "penser", "pensare", "verb"),
    ("хотеть", "to want", "wollen", "querer", "vouloir", "volere", "verb"),
    ("мочь", "can", "können", "poder", "pouvoir", "potere", "verb"),
    ("давать", "to give", "geben", "dar", "donner", "dare", "verb"),
    ("брать", "to take", "nehmen", "tomar", "prendre", "prendere", "verb"),
    ("покупать", "to buy", "kaufen", "comprar", "acheter", "comprare", "verb"),
    ("продавать", "to sell", "verkaufen", "vender", "vendre", "vendere", "verb"),
    ("открывать", "to open", "öffnen", "abrir", "ouvrir", "aprire", "verb"),
    ("закрывать", "to close", "schließen", "cerrar", "fermer", "chiudere", "verb"),
    ("начинать", "to begin", "beginnen", "empezar", "commencer", "cominciare", "verb"),
    ("жить", "to live", "leben", "vivir", "vivre", "vivere", "verb"),
    ("любить", "to love", "lieben", "amar", "aimer", "amare", "verb"),
    ("помогать", "to help", "helfen", "ayudar", "aider", "aiutare", "verb"),
    ("ждать", "to wait", "warten", "esperar", "attendre", "aspettare", "verb"),
    ("искать", "to look for", "suchen", "buscar", "chercher", "cercare", "verb"),
    ("находить", "to find", "finden", "encontrar", "trouver", "trovare", "verb"),
    ("играть", "to play", "spielen", "jugar", "jouer", "giocare", "verb"),
    ("учиться", "to learn", "lernen", "aprender", "apprendre", "imparare", "verb"),
    ("понимать", "to understand", "verstehen", "entender", "comprendre", "capire", "verb"),
    ("спрашивать", "to ask", "fragen", "preguntar", "demander", "chiedere", "verb"),
    ("отвечать", "to answer", "antworten", "responder", "répondre", "rispondere", "verb"),
    ("путешествовать", "to travel", "reisen", "viajar", "voyager", "viaggiare", "verb"),
    ("готовить", "to cook", "kochen", "cocinar", "cuisiner", "cucinare", "verb"),
    ("платить", "to pay", "bezahlen", "pagar", "payer", "pagare", "verb"),
    ("бежать", "to run", "laufen", "correr", "courir", "correre", "verb"),
    ("большой", "big", "groß", "grande", "grand", "grande", "adjective"),
    ("маленький", "small", "klein", "pequeño", "petit", "piccolo", "adjective"),
    ("хороший", "good", "gut", "bueno", "bon", "buono", "adjective"),
    ("плохой", "bad", "schlecht", "malo", "mauvais", "cattivo", "adjective"),
    ("новый", "new", "neu", "nuevo", "nouveau", "nuovo", "adjective"),
    ("старый", "old", "alt", "viejo", "vieux", "vecchio", "adjective"),
    ("молодой", "young", "jung", "joven", "jeune", "giovane", "adjective"),
    ("красивый", "beautiful", "schön", "hermoso", "beau", "bello", "adjective"),
    ("быстрый", "fast", "schnell", "rápido", "rapide", "veloce", "adjective"),
    ("медленный", "slow", "langsam", "lento", "lent", "lento", "adjective"),
    ("горячий", "hot", "heiß", "caliente", "chaud", "caldo", "adjective"),
    ("холодный", "cold", "kalt", "frío", "froid", "freddo", "adjective"),
    ("дешёвый", "cheap", "billig", "barato", "bon marché", "economico", "adjective"),
    ("дорогой", "expensive", "teuer", "caro", "cher", "caro", "adjective"),
    ("лёгкий", "easy", "leicht", "fácil", "facile", "facile", "adjective"),
    ("трудный", "difficult", "schwierig", "difícil", "difficile", "difficile", "adjective"),
    ("счастливый", "happy", "glücklich", "feliz", "heureux", "felice", "adjective"),
    ("грустный", "sad", "traurig", "triste", "triste", "triste", "adjective"),
    ("усталый", "tired", "müde", "cansado", "fatigué", "stanco", "adjective"),
    ("голодный", "hungry", "hungrig", "hambriento", "affamé", "affamato", "adjective"),
    ("красный", "red", "rot", "rojo", "rouge", "rosso", "adjective"),
    ("зелёный", "green", "grün", "verde", "vert", "verde", "adjective"),
    ("синий", "blue", "blau", "azul", "bleu", "blu", "adjective"),
    ("белый", "white", "weiß", "blanco", "blanc", "bianco", "adjective"),
    ("чёрный", "black", "schwarz", "negro", "noir", "nero", "adjective"),
    ("всегда", "always", "immer", "siempre", "toujours", "sempre", "adverb"),
    ("никогда", "never", "nie", "nunca", "jamais", "mai", "adverb"),
    ("часто", "often", "oft", "a menudo", "souvent", "spesso", "adverb"),
    ("сегодня", "today", "heute", "hoy", "aujourd'hui", "oggi", "adverb"),
    ("завтра", "tomorrow", "morgen", "mañana", "demain", "domani", "adverb"),
    ("вчера", "yesterday", "gestern", "ayer", "hier", "ieri", "adverb"),
    ("здесь", "here", "hier", "aquí", "ici", "qui", "adverb"),
    ("там", "there", "dort", "allí", "là-bas", "là", "adverb"),
    ("спасибо", "thank you", "danke", "gracias", "merci", "grazie", "phrase"),
    ("пожалуйста", "please", "bitte", "por favor", "s'il vous plaît", "per favore", "phrase"),
    ("привет", "hello", "hallo", "hola", "bonjour", "ciao", "phrase"),
    ("до свидания", "goodbye", "auf Wiedersehen", "adiós", "au revoir", "arrivederci", "phrase"),
    ("извините", "excuse me", "Entschuldigung", "perdón", "excusez-moi", "scusi", "phrase"),
    ("сколько стоит?", "how much is it?", "Wie viel kostet das?", "¿cuánto cuesta?", "combien ça coûte ?", "quanto costa?", "phrase"),
    ("я не понимаю", "I don't understand", "Ich verstehe nicht", "no entiendo", "je ne comprends pas", "non capisco", "phrase"),
    ("где туалет?", "where is the toilet?", "Wo ist die Toilette?", "¿dónde está el baño?", "où sont les toilettes ?", "dov'è il bagno?", "phrase"),
]

LANGUAGES = ["en", "de", "es", "fr", "it"]
COLUMN = {"en": 1, "de": 2, "es": 3, "fr": 4, "it": 5}
ARTICLES = {
    "de": {"der": "m", "die": "f", "das": "n"},
    "es": {"el": "m", "la": "f", "los": "m", "las": "f"},
    "fr": {"le": "m", "la": "f", "les": None},
    "it": {"il": "m", "lo": "m", "la": "f", "i": "m", "le": "f"},
    "en": {},
}


def normalized_key(text: str) -> str:
    """`domain::text::normalized_key`: whitespace collapsed, NFC, lower case."""
    return unicodedata.normalize("NFC", " ".join(text.split())).lower()


def split_article(lang: str, front: str):
    """('der Hund' → 'Hund', 'm'); l' carries no gender; no article → (None, None)."""
    if lang in ("fr", "it") and front.startswith("l'"):
        return front[2:], None
    head, _, rest = front.partition(" ")
    if rest and head in ARTICLES[lang]:
        return rest, ARTICLES[lang][head]
    return None, None


def rows():
    for lang in LANGUAGES:
        for idx, concept in enumerate(CONCEPTS):
            ru, en, pos = concept[0], concept[1], concept[6]
            front = concept[COLUMN[lang]]
            lemma, gender = (split_article(lang, front) if pos == "noun" else (None, None))
            back_en = en if lang != "en" else ru  # nobody learns English with an English interface
            lemma_key = normalized_key(lemma or front)
            # CardContent::search_key: format!("{} {} {}", front, back, lemma.unwrap_or_default())
            search_ru = normalized_key(f"{front} {ru} {lemma or ''}")
            search_en = normalized_key(f"{front} {back_en} {lemma or ''}")
            yield (lang, idx, front, lemma, ru, back_en, pos, gender, lemma_key, search_ru, search_en)


def main() -> None:
    out = sys.stdout
    for row in rows():
        out.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
