-- Organizations (issue 15): a hierarchy under the application's root. organization_tree is its closure (one row per
-- organization and each of its ancestors, itself included at depth 0), so "an organization and its descendants" is
-- one indexed set that every scoped list, read and job expansion uses as a predicate.
CREATE TABLE organizations (
  id            VARCHAR(48)   PRIMARY KEY,
  display_name  VARCHAR(1000) NOT NULL,
  parent        VARCHAR(48)   REFERENCES organizations (id),
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX organizations_parent ON organizations (parent);

CREATE TABLE organization_tree (
  ancestor_id      VARCHAR(48) NOT NULL,
  organization_id  VARCHAR(48) NOT NULL,
  depth            INT         NOT NULL,
  PRIMARY KEY (ancestor_id, organization_id)
);
CREATE INDEX organization_tree_member ON organization_tree (organization_id);

-- Organization ids already stored on devices, groups, jobs and scheduled jobs (accepted unchecked before) become
-- top-level organizations, so every stored reference resolves.
INSERT INTO organizations (id, display_name, parent, created_at)
SELECT DISTINCT o, o, CAST(NULL AS VARCHAR(48)), CURRENT_TIMESTAMP FROM (
  SELECT organizations AS o FROM devices WHERE organizations IS NOT NULL
  UNION SELECT organizations FROM device_groups WHERE organizations IS NOT NULL
  UNION SELECT organizations FROM jobs WHERE organizations IS NOT NULL
  UNION SELECT organizations FROM scheduled_jobs WHERE organizations IS NOT NULL
) refs WHERE CHAR_LENGTH(o) <= 48;
INSERT INTO organization_tree (ancestor_id, organization_id, depth) SELECT id, id, 0 FROM organizations;

-- Scoped device lists and job expansions walk devices of a set of organizations in id order.
CREATE INDEX devices_organization ON devices (organizations, id);

-- Users (reference §7.2): email, service principal or Azure AD group users with role assignments. principal_key
-- (type + lower-case email, or type + tenant + object id) makes each principal unique.
CREATE TABLE users (
  id             VARCHAR(48)   PRIMARY KEY,
  user_type      VARCHAR(32)   NOT NULL,
  email          VARCHAR(320),
  tenant_id      VARCHAR(64),
  object_id      VARCHAR(64),
  principal_key  VARCHAR(400)  NOT NULL UNIQUE,
  roles          VARCHAR(8000) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row that every change of the hierarchy locks first, so checks over the whole tree (cycles, depth, count) see
-- no concurrent change.
CREATE TABLE organization_lock (
  id  INT PRIMARY KEY
);
INSERT INTO organization_lock (id) VALUES (1);
