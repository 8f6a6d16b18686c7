-- Collecte: running sums of each commune of a campaign (answers, total, each indicator), kept by
-- the database on every insert or update of a declaration. The dashboard's "since the start"
-- figures for a date D are these sums minus the declarations after D: for today, one row per
-- commune instead of a scan of the whole campaign. Forward only.

CREATE TABLE collection_commune_sums (
  campaign_id uuid NOT NULL REFERENCES collection_campaigns (id),
  insee_code text NOT NULL,
  answered integer NOT NULL,
  total bigint NOT NULL,
  -- {"<indicator key>": <sum>, ...}
  "values" jsonb NOT NULL,
  PRIMARY KEY (campaign_id, insee_code)
);

-- a + sign × b, key by key, for objects of integers.
CREATE FUNCTION collection_jsonb_add(a jsonb, b jsonb, sign integer) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
    FROM (
      SELECT k, sum(v)::bigint AS v
      FROM (
        SELECT e.key AS k, (e.value)::text::bigint AS v FROM jsonb_each(coalesce(a, '{}'::jsonb)) e
        UNION ALL
        SELECT e.key, sign * (e.value)::text::bigint FROM jsonb_each(coalesce(b, '{}'::jsonb)) e
      ) x
      GROUP BY k
    ) y
  $$;

CREATE FUNCTION collection_sums_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE collection_commune_sums
      SET answered = answered - 1, total = total - OLD.total, "values" = collection_jsonb_add("values", OLD."values", -1)
      WHERE campaign_id = OLD.campaign_id AND insee_code = OLD.insee_code;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO collection_commune_sums AS s (campaign_id, insee_code, answered, total, "values")
      VALUES (NEW.campaign_id, NEW.insee_code, 1, NEW.total, NEW."values")
      ON CONFLICT (campaign_id, insee_code) DO UPDATE
      SET answered = s.answered + 1, total = s.total + EXCLUDED.total, "values" = collection_jsonb_add(s."values", EXCLUDED."values", 1);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER collection_declarations_sums AFTER INSERT OR UPDATE OR DELETE ON collection_declarations
  FOR EACH ROW EXECUTE FUNCTION collection_sums_apply();

-- Rebuilds the sums of a campaign from its declarations (after a bulk load made with triggers
-- disabled, e.g. a benchmark's seed). Returns the number of communes.
CREATE FUNCTION collection_rebuild_sums(campaign uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  DELETE FROM collection_commune_sums WHERE campaign_id = campaign;
  INSERT INTO collection_commune_sums (campaign_id, insee_code, answered, total, "values")
    SELECT d.campaign_id, d.insee_code, count(*), sum(d.total),
      (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb) FROM (
         SELECT e.key AS k, sum((e.value)::text::bigint) AS v
         FROM collection_declarations d2, jsonb_each(d2."values") e
         WHERE d2.campaign_id = d.campaign_id AND d2.insee_code = d.insee_code
         GROUP BY e.key) y)
    FROM collection_declarations d
    WHERE d.campaign_id = campaign
    GROUP BY d.campaign_id, d.insee_code;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

SELECT collection_rebuild_sums(id) FROM collection_campaigns;
